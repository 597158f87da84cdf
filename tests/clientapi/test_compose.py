"""Status text to HTML, as a table."""

from __future__ import annotations

import pytest

from clientapi.statuses.compose import MentionLink, mentioned_handles, render, valid_language

BOB = MentionLink(url="https://h/@bob", username="bob")
AL = MentionLink(url="https://x.org/@al", username="al")
MENTION_BOB = (
    '<span class="h-card"><a href="https://h/@bob" class="u-url mention">'
    "@<span>bob</span></a></span>"
)


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("hello", "<p>hello</p>"),
        ("a\nb", "<p>a<br>b</p>"),
        ("a\n\n\nb", "<p>a</p><p>b</p>"),
        ("<script>x</script> & co", "<p>&lt;script&gt;x&lt;/script&gt; &amp; co</p>"),
        ("hi @bob.", f"<p>hi {MENTION_BOB}.</p>"),
        ("hi @nobody", "<p>hi @nobody</p>"),
        (
            "#Rights!",
            '<p><a href="https://h/tags/rights" class="mention hashtag" rel="tag">'
            "#<span>Rights</span></a>!</p>",
        ),
        ("#123 is not a tag", "<p>#123 is not a tag</p>"),
        (
            "see https://e.org/a?b=1&c=2.",
            '<p>see <a href="https://e.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" '
            'target="_blank">e.org/a?b=1&amp;c=2</a>.</p>',
        ),
        ("mail me: a@b.org", "<p>mail me: a@b.org</p>"),
    ],
)
def test_render(text: str, html: str) -> None:
    assert render(text, {"bob": BOB, "al@x.org": AL}, "https://h").html == html


def test_render_reports_tags_and_linked_mentions() -> None:
    composed = render("@bob @al@X.org @zed #a #A #b", {"bob": BOB, "al@x.org": AL}, "https://h")
    assert composed.hashtags == ["a", "b"]
    assert composed.mentions == ["bob", "al@x.org"]


@pytest.mark.parametrize(
    ("text", "handles"),
    [
        ("@bob and @bob", ["bob"]),
        ("@al@x.org:8001, hi", ["al@x.org:8001"]),
        ("user@example.org", []),
        ("https://h/@bob", []),
    ],
)
def test_mentioned_handles(text: str, handles: list[str]) -> None:
    assert mentioned_handles(text) == handles


@pytest.mark.parametrize(
    ("code", "ok"), [("en", True), ("SW", True), ("xx", False), ("eng", False)]
)
def test_valid_language(code: str, ok: bool) -> None:
    assert valid_language(code) is ok
