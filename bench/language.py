"""Language detection: our langdetect set-up against py3langid and lingua, offline.

Run: `.venv/bin/python -m bench.language`. Prints the median cost of `detect_language` per
post (goal < 1 ms) with its ratio to `str.lower` over the same texts, then one row per
engine: accuracy on posts of 60+ characters, wrong answers on short posts, and speed, all
on the test corpus (`tests/baraza/language_corpus.py`) and restricted to the five instance
languages. py3langid and lingua are measured only if installed (not dependencies).

Every engine gets the same cleaned text and, in the "gated" columns, the same rules as
`baraza.language` (enough letters and words, confidence >= 0.90, else no answer), so the
comparison is about the statistics, not the plumbing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from baraza.language import (
    CONFIDENCE,
    DEFAULT_CANDIDATES,
    MIN_LETTERS,
    MIN_WORDS,
    _factory,
    _langdetect,
    detect_language,
    plain_text,
)
from bench.report import Figure
from tests.baraza.language_corpus import CORPUS, MEDIUM, SHORT

Guess = Callable[[str], "tuple[str, float] | None"]
ROUNDS = 5


@dataclass
class Row:
    engine: str
    long_raw: float  # share right, always answering
    long_gated: float  # share right with the thresholds (no answer counts as not right)
    short_wrong_raw: int  # short (<= 3 words) and medium posts answered wrongly
    short_wrong_gated: int  # ... and with the thresholds
    median_ms: float
    load_ms: float


def _timed(texts: list[str], call: Callable[[str], object]) -> float:
    """Median seconds per text over ROUNDS passes (the first pass warms caches)."""
    samples: list[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            start = time.perf_counter()
            call(text)
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _gate(text: str, guess: Guess) -> str | None:
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS or len(text.split()) < MIN_WORDS:
        return None
    found = guess(text)
    if found is None or found[1] < CONFIDENCE:
        return None
    return found[0]


def _engines() -> dict[str, tuple[Guess, float]]:
    start = time.perf_counter()
    _factory.cache_clear()
    _factory(DEFAULT_CANDIDATES)
    engines: dict[str, tuple[Guess, float]] = {
        "langdetect": (lambda t: _langdetect(t, DEFAULT_CANDIDATES), time.perf_counter() - start)
    }
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        print("py3langid not installed: skipped")
    else:
        start = time.perf_counter()
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(list(DEFAULT_CANDIDATES))
        loaded = time.perf_counter() - start
        engines["py3langid"] = (lambda t: tuple(identifier.classify(t)), loaded)
    try:
        from lingua import IsoCode639_1, LanguageDetectorBuilder
    except ImportError:
        print("lingua not installed: skipped")
    else:
        start = time.perf_counter()
        codes = [getattr(IsoCode639_1, c.upper()) for c in DEFAULT_CANDIDATES]
        detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
        detector.compute_language_confidence_values("warm up the models once")
        loaded = time.perf_counter() - start

        def lingua_guess(text: str) -> tuple[str, float] | None:
            values = detector.compute_language_confidence_values(text)
            if not values:
                return None
            return values[0].language.iso_code_639_1.name.lower(), values[0].value

        engines["lingua"] = (lingua_guess, loaded)
    return engines


def _row(name: str, guess: Guess, load: float) -> Row:
    long_posts = [
        (lang, plain_text(p)) for lang, ps in CORPUS.items() for p in ps if len(plain_text(p)) >= 60
    ]
    short_posts = [
        (lang, plain_text(p)) for group in (SHORT, MEDIUM) for lang, ps in group.items() for p in ps
    ]

    def raw(text: str) -> str | None:
        found = guess(text) if text else None
        return found[0] if found else None

    def wrong(answer: str | None, lang: str | None) -> bool:
        return answer is not None and answer != lang

    return Row(
        engine=name,
        long_raw=sum(raw(t) == lang for lang, t in long_posts) / len(long_posts),
        long_gated=sum(_gate(t, guess) == lang for lang, t in long_posts) / len(long_posts),
        short_wrong_raw=sum(wrong(raw(t), lang) for lang, t in short_posts),
        short_wrong_gated=sum(wrong(_gate(t, guess), lang) for lang, t in short_posts),
        median_ms=_timed([t for _, t in long_posts + short_posts if t], guess) * 1000,
        load_ms=load * 1000,
    )


def main() -> None:
    texts = [p for group in (CORPUS, SHORT) for ps in group.values() for p in ps]
    ours = _timed(texts, lambda t: detect_language(t, fallback="en"))
    baseline = _timed(texts, str.lower)
    figure = Figure(
        name="detect_language median per post",
        value=round(ours * 1000, 4),
        unit="ms",
        baseline=round(baseline * 1000, 6),
        baseline_name="str.lower",
        goal="< 1 ms",
        met=ours < 0.001,
        note=f"{len(texts)} posts x {ROUNDS} rounds",
    )
    print(figure.line())
    short_count = sum(len(v) for group in (SHORT, MEDIUM) for v in group.values())
    print(
        f"\n{'engine':<11} {'60+ raw':>8} {'60+ gated':>10} "
        f"{'short wrong raw':>16} {'gated':>6} {'median ms':>10} {'load ms':>8}"
    )
    for name, (guess, load) in _engines().items():
        row = _row(name, guess, load)
        print(
            f"{row.engine:<11} {row.long_raw:>8.1%} {row.long_gated:>10.1%} "
            f"{row.short_wrong_raw:>10}/{short_count:<5} {row.short_wrong_gated:>6} "
            f"{row.median_ms:>10.3f} {row.load_ms:>8.0f}"
        )


if __name__ == "__main__":
    main()
