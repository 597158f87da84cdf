"""The language of a post: the one the client gave (validated), else detected, else a fallback.

Detection must never put a confident wrong label on a short post: a wrong `language` hides a
post from members whose timelines are filtered by `chosen_languages`, which is worse than no
label. So detection answers only on enough text, only among the instance's candidate
languages (`BARAZA_LANGUAGES`), and only when langdetect is sure; otherwise it returns the
fallback (the author's default posting language, or None).

langdetect is random unless seeded, and its module-level factory loads all 55 profiles into
global state on first use. We build our own seeded factories instead, one per candidate set,
holding only the candidate profiles: deterministic, and the per-n-gram work shrinks with the
number of languages.
"""

from __future__ import annotations

import html
import json
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.lang_profile import LangProfile

from federation.errors import Unprocessable

DEFAULT_CANDIDATES: tuple[str, ...] = ("en", "fr", "ar", "de", "pt")
MIN_LETTERS = 20  # below this, n-gram statistics are noise
MIN_WORDS = 4  # "Merci beaucoup Amina" must not be labelled with confidence
CONFIDENCE = 0.90
MAX_TEXT = 1000  # enough letters to decide; keeps a long article as cheap as a toot
SEED = 0

# Scripts that, among the usual candidates, only one language writes: no statistics needed.
_ARABIC_SCRIPT_LANGUAGES = frozenset({"ar", "fa", "ur", "ps", "ku", "sd", "ug", "ckb"})

_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@[\w.+-]+(?:@[\w.-]+)?", re.UNICODE)
_HASHTAG = re.compile(r"(?<![\w&])#\w+", re.UNICODE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_NOT_LETTER = re.compile(r"[\W\d_]+", re.UNICODE)


def candidates_from_env(env: dict[str, str] | None = None) -> tuple[str, ...]:
    """`BARAZA_LANGUAGES` as a tuple of codes; empty means "every language langdetect knows"."""
    raw = (os.environ if env is None else env).get("BARAZA_LANGUAGES")
    if raw is None:
        return DEFAULT_CANDIDATES
    codes = [c.strip().lower() for c in raw.split(",") if c.strip()]
    return tuple(dict.fromkeys(validate_language(c) for c in codes))


def plain_text(html_or_text: str) -> str:
    """Only the words a person wrote: markup, links, handles, tags, emoji and digits removed."""
    text = _TAG.sub(" ", html_or_text)
    text = html.unescape(text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _HASHTAG.sub(" ", text)
    text = _NOT_LETTER.sub(" ", text)
    return " ".join(text.split())


def _arabic_script_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    arabic = sum(1 for ch in letters if "ARABIC" in unicodedata.name(ch, ""))
    return arabic / len(letters)


def _available_profiles() -> frozenset[str]:
    return frozenset(p.name for p in Path(PROFILES_DIRECTORY).iterdir() if p.is_file())


@lru_cache(maxsize=8)
def _factory(candidates: tuple[str, ...]) -> DetectorFactory | None:
    """A seeded factory holding only `candidates` (all profiles when empty); None if < 2."""
    available = _available_profiles()
    names = sorted(available) if not candidates else [c for c in candidates if c in available]
    if len(names) < 2:
        return None
    factory = DetectorFactory()
    factory.set_seed(SEED)
    for index, name in enumerate(names):
        data = json.loads(Path(PROFILES_DIRECTORY, name).read_text(encoding="utf-8"))
        factory.add_profile(LangProfile(**data), index, len(names))
    return factory


def _langdetect(text: str, candidates: tuple[str, ...]) -> tuple[str, float] | None:
    factory = _factory(candidates)
    if factory is None:
        return None
    detector = factory.create()
    detector.set_max_text_length(MAX_TEXT)
    detector.append(text)
    try:
        best = detector.get_probabilities()
    except LangDetectException:
        return None
    if not best:
        return None
    return best[0].lang.split("-", 1)[0], best[0].prob


def detect_language(
    html_or_text: str,
    *,
    candidates: tuple[str, ...] = DEFAULT_CANDIDATES,
    fallback: str | None = None,
) -> str | None:
    """The post's language if the text says so clearly, else `fallback`."""
    text = plain_text(html_or_text or "")
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < MIN_LETTERS or len(text.split()) < MIN_WORDS:
        return fallback
    arabic_candidates = [c for c in candidates if c in _ARABIC_SCRIPT_LANGUAGES]
    if arabic_candidates == ["ar"] and _arabic_script_share(text) > 0.8:
        return "ar"
    found = _langdetect(text, candidates)
    if found is None or found[1] < CONFIDENCE:
        return fallback
    code = found[0]
    if candidates and code not in candidates:
        return fallback
    return code


def validate_language(code: object) -> str:
    """An ISO 639-1 code (a region such as `pt-BR` is dropped), or 422."""
    if not isinstance(code, str):
        raise Unprocessable("language must be an ISO 639-1 code such as 'en'")
    base = code.strip().replace("_", "-").split("-", 1)[0].lower()
    if base not in ISO_639_1:
        raise Unprocessable(f"unknown language {code[:16]!r}: use an ISO 639-1 code such as 'en'")
    return base


# The 183 codes in force plus `bh` (Bihari, withdrawn in 2021 but still sent by older clients).
ISO_639_1: frozenset[str] = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
    la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny
    oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
    st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo
    za zh zu
    """.split()
)

# Load the configured candidates once, at import, rather than on the first post.
CANDIDATES: tuple[str, ...] = candidates_from_env()
_factory(CANDIDATES)


def validate_languages(values: object) -> list[str]:
    """A list of language codes (Mastodon's `chosen_languages`); empty clears; else 422."""
    if values is None or values == "":
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or len(values) > len(ISO_639_1):
        raise Unprocessable("chosen_languages must be a list of ISO 639-1 codes")
    return list(dict.fromkeys(validate_language(v) for v in values if v != ""))
