"""Every post gets a language, and never a confident wrong one."""

from __future__ import annotations

import pytest

from baraza.language import (
    DEFAULT_CANDIDATES,
    ISO_639_1,
    candidates_from_env,
    detect_language,
    plain_text,
    validate_language,
)
from federation.errors import Unprocessable
from tests.baraza.language_corpus import CORPUS, EMOJI_ONLY, MEDIUM, SHORT

FALLBACK = "xx"


def test_corpus_has_twenty_posts_per_language_most_of_them_long():
    for lang in DEFAULT_CANDIDATES:
        assert len(CORPUS[lang]) >= 20, lang
        assert sum(len(plain_text(p)) >= 60 for p in CORPUS[lang]) >= 20, lang


@pytest.mark.parametrize("lang", DEFAULT_CANDIDATES)
def test_posts_of_sixty_characters_are_detected_at_least_95_percent(lang):
    long_posts = [p for p in CORPUS[lang] if len(plain_text(p)) >= 60]
    right = [p for p in long_posts if detect_language(p, fallback=FALLBACK) == lang]
    wrong = [p for p in long_posts if p not in right]
    assert len(right) / len(long_posts) >= 0.95, wrong


@pytest.mark.parametrize(
    "post",
    [p for ps in SHORT.values() for p in ps]
    + ["@amina@baraza.example ok merci", "#HumanRights #DroitsHumains https://example.org/x"],
)
def test_three_word_posts_get_the_fallback_not_a_guess(post):
    assert detect_language(post, fallback=FALLBACK) == FALLBACK
    assert detect_language(post, fallback=None) is None


@pytest.mark.parametrize("post", EMOJI_ONLY)
def test_emoji_only_posts_get_the_fallback(post):
    assert detect_language(post, fallback="fr") == "fr"


@pytest.mark.parametrize(("lang", "post"), [(k, p) for k, ps in MEDIUM.items() for p in ps])
def test_medium_posts_are_right_or_fall_back(lang, post):
    assert detect_language(post, fallback=FALLBACK) in (lang, FALLBACK)


def test_detection_is_deterministic():
    posts = [p for ps in CORPUS.values() for p in ps]
    first = [detect_language(p) for p in posts]
    assert [detect_language(p) for p in posts] == first


def test_only_candidate_languages_are_answered():
    spanish = (
        "La audiencia de los periodistas detenidos fue aplazada otra vez hasta el mes que "
        "viene, seguiremos el caso muy de cerca."
    )
    # restricted to the candidates, a Spanish post is labelled with one of them or none
    assert detect_language(spanish, candidates=("en", "de"), fallback=FALLBACK) in (
        "en",
        "de",
        FALLBACK,
    )
    assert detect_language(spanish, candidates=("es", "pt")) == "es"
    assert detect_language(CORPUS["de"][0], candidates=("en", "de")) == "de"
    # a single candidate cannot be told apart from anything: no statistics, the fallback
    assert detect_language(CORPUS["en"][0], candidates=("en",), fallback=FALLBACK) == FALLBACK


@pytest.mark.parametrize(
    ("source", "expected", "why"),
    [
        ("<p>Hello <b>world</b></p>", "Hello world", "markup goes"),
        ("see https://example.org/a?b=c now", "see now", "links go"),
        ("hi @amina@baraza.example and @karim", "hi and", "mentions go, local and remote"),
        ("#DroitsHumains partout", "partout", "hashtags go"),
        ("ça va 🎉 !!! 2024", "ça va", "emoji, punctuation and digits go"),
        ("l&#39;audience &amp; la suite", "l audience la suite", "entities are decoded first"),
        ("write to a@b.org today", "write to today", "addresses go"),
    ],
)
def test_plain_text_keeps_only_words(source, expected, why):
    assert plain_text(source) == expected, why


@pytest.mark.parametrize(
    ("given", "expected"),
    [("en", "en"), ("FR", "fr"), ("pt-BR", "pt"), ("pt_BR", "pt"), (" ar ", "ar"), ("zh", "zh")],
)
def test_valid_language_codes_are_normalised(given, expected):
    assert validate_language(given) == expected


@pytest.mark.parametrize("given", ["", "english", "xx", "e", "123", None, 5, "qq-XX"])
def test_invalid_language_codes_are_refused_with_422(given):
    with pytest.raises(Unprocessable) as raised:
        validate_language(given)
    assert raised.value.status == 422


def test_iso_639_1_table_is_complete():
    assert len(ISO_639_1) == 184
    assert all(len(code) == 2 and code.isalpha() and code.islower() for code in ISO_639_1)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ("en", "fr", "ar", "de", "pt")),
        ({"BARAZA_LANGUAGES": "de, en,de"}, ("de", "en")),
        ({"BARAZA_LANGUAGES": ""}, ()),
    ],
)
def test_candidates_come_from_the_environment(env, expected):
    assert candidates_from_env(env) == expected


def test_unknown_candidate_in_environment_is_refused():
    with pytest.raises(Unprocessable):
        candidates_from_env({"BARAZA_LANGUAGES": "en,klingon"})
