"""The Letter: a reader's digest of a period, for the whole network or for one space.

What goes in is decided per reader by the one visibility function (`may_see`), so a private
space's posts reach only its members, whether by email, by feed or by preview. Rendering is in
the reader's interface language; it runs outside any request (the CLI, the worker), so the
catalog is chosen explicitly rather than through the request's language.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import nh3
from jinja2 import Environment, FileSystemLoader, select_autoescape

from baraza.i18n import N_, catalog, direction
from outbox.reading import local_requester, space_is_private, subject_of
from outbox.visibility import ANONYMOUS, may_see
from spaces.library import may_read_space
from storage.models import Actor, LibraryDocument, Post

NETWORK = "network"
MAX_POSTS = 50
EXCERPT_CHARS = 280
TEMPLATES = Path(__file__).resolve().parents[1] / "baraza" / "templates"

TITLE = N_("The Letter of %(scope)s")
NETWORK_TITLE = N_("The Letter of the network")
PERIOD = N_("From %(since)s to %(until)s")
POSTS = N_("Posts")
DOCUMENTS = N_("New in the library")
TALKS = N_("Upcoming Talks")
NOTHING = N_("Nothing new this period.")
BY = N_("by %(author)s")
UNSUBSCRIBE = N_("Unsubscribe: %(url)s")


@dataclass(frozen=True)
class DigestPost:
    url: str
    author: str
    excerpt: str
    published: datetime
    space: str = ""
    uri: str = ""  # the post's id: a feed entry's id must not change, whatever its url


@dataclass(frozen=True)
class DigestDocument:
    title: str
    space: str
    created_at: datetime
    uri: str = ""


@dataclass(frozen=True)
class DigestTalk:
    url: str
    title: str
    starts: str
    location: str
    space: str = ""
    uri: str = ""


@dataclass
class Digest:
    scope: str  # NETWORK or the space's uri
    scope_name: str  # "" for the network
    since: datetime
    until: datetime
    posts: list[DigestPost] = field(default_factory=list)
    documents: list[DigestDocument] = field(default_factory=list)
    talks: list[DigestTalk] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.posts or self.documents or self.talks)

    @property
    def last_day(self) -> date:
        """The period's last day, shown to readers: `until` itself is excluded (a month's
        Letter runs to the 1st of the next month, exclusive, and says "to the 30th")."""
        return (self.until - timedelta(microseconds=1)).date()


def plain_text(content_html: str) -> str:
    """A post's HTML as one line of text, cut to an excerpt."""
    text = html.unescape(nh3.clean(content_html or "", tags=set()))
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


async def _visible(post: Post, member: Actor | None, private: dict[int, bool]) -> bool:
    if post.space_id is not None and post.space_id not in private:
        private[post.space_id] = await space_is_private(post)
    subject = subject_of(post, private.get(post.space_id or 0, False))
    requester = await local_requester(post, member) if member is not None else ANONYMOUS
    return may_see(subject, requester)


def _talk_start(post: Post) -> str:
    doc: dict[str, Any] = post.document if isinstance(post.document, dict) else {}
    return str(doc.get("startTime") or "")


async def build_digest(
    member: Actor | None, scope: str | Actor, since: datetime, until: datetime
) -> Digest:
    """Posts of [since, until), library documents added then, and Talks announced by `until`
    that start after it: a Letter holds only what had happened by the end of its period.

    `member` None is an anonymous reader (a public space's public feed).
    """
    space = scope if isinstance(scope, Actor) else None
    digest = Digest(
        scope=space.uri if space is not None else NETWORK,
        scope_name=(space.display_name or space.username) if space is not None else "",
        since=since,
        until=until,
    )
    posts = Post.filter(deleted_at=None, local=True).prefetch_related("actor", "space")
    if space is not None:
        posts = posts.filter(space_id=space.id)
    private: dict[int, bool] = {}
    in_period = await posts.filter(published__gte=since, published__lt=until).order_by(
        "published", "id"
    )
    for post in in_period:
        if post.type == "Event" or len(digest.posts) >= MAX_POSTS:
            continue
        if await _visible(post, member, private):
            digest.posts.append(
                DigestPost(
                    url=post.url or post.uri,
                    author=post.actor.acct,
                    excerpt=plain_text(post.content) or plain_text(post.name),
                    published=post.published,
                    space=post.space.username if post.space is not None else "",
                    uri=post.uri,
                )
            )
    talks = await posts.filter(type="Event", published__lt=until).order_by("published", "id")
    for talk in talks:
        starts = _talk_start(talk)
        if starts < until.isoformat()[:19] or not await _visible(talk, member, private):
            continue
        doc: dict[str, Any] = talk.document if isinstance(talk.document, dict) else {}
        location = doc.get("location")
        if isinstance(location, dict):
            location = location.get("name", "")
        digest.talks.append(
            DigestTalk(
                url=talk.url or talk.uri,
                title=talk.name or plain_text(talk.content),
                starts=starts,
                location=str(location or ""),
                space=talk.space.username if talk.space is not None else "",
                uri=talk.uri,
            )
        )
    digest.talks.sort(key=lambda t: t.starts)
    documents = LibraryDocument.filter(
        deleted_at=None, created_at__gte=since, created_at__lt=until
    ).prefetch_related("space")
    if space is not None:
        documents = documents.filter(space_id=space.id)
    for document in await documents.order_by("created_at", "id"):
        if await may_read_space(document.space, member):
            digest.documents.append(
                DigestDocument(
                    title=document.title,
                    space=document.space.username,
                    created_at=document.created_at,
                    uri=document.uri,
                )
            )
    return digest


def _gettext(language: str, message: str, **variables: object) -> str:
    text = catalog(language).gettext(message)
    return text % variables if variables else text


def _title(digest: Digest, language: str) -> str:
    if not digest.scope_name:
        return _gettext(language, NETWORK_TITLE)
    return _gettext(language, TITLE, scope=digest.scope_name)


def subject_line(digest: Digest, language: str) -> str:
    return f"{_title(digest, language)} ({digest.since:%Y-%m-%d} – {digest.last_day:%Y-%m-%d})"


def render_text(digest: Digest, language: str, unsubscribe_url: str = "") -> str:
    t = lambda message, **kw: _gettext(language, message, **kw)  # noqa: E731
    lines = [_title(digest, language)]
    lines.append(t(PERIOD, since=f"{digest.since:%Y-%m-%d}", until=f"{digest.last_day:%Y-%m-%d}"))
    lines.append("")
    if digest.empty:
        lines.append(t(NOTHING))
    if digest.posts:
        lines += [f"## {t(POSTS)}", ""]
        for post in digest.posts:
            where = f" [{post.space}]" if post.space else ""
            lines.append(f"- {t(BY, author=post.author)}{where}: {post.excerpt}")
            lines.append(f"  {post.url}")
        lines.append("")
    if digest.documents:
        lines += [f"## {t(DOCUMENTS)}", ""]
        lines += [f"- {d.title} [{d.space}]" for d in digest.documents]
        lines.append("")
    if digest.talks:
        lines += [f"## {t(TALKS)}", ""]
        for talk in digest.talks:
            where = f", {talk.location}" if talk.location else ""
            lines.append(f"- {talk.starts}{where}: {talk.title}")
            lines.append(f"  {talk.url}")
        lines.append("")
    if unsubscribe_url:
        lines += ["--", t(UNSUBSCRIBE, url=unsubscribe_url)]
    return "\n".join(lines).rstrip() + "\n"


def _environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(catalog(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def render_html(digest: Digest, language: str, unsubscribe_url: str = "") -> str:
    """The HTML email; every value is escaped by the template's autoescaping."""
    template = _environment(language).get_template("letter.html")
    return template.render(
        digest=digest,
        title=_title(digest, language),
        lang=language,
        direction=direction(language),
        since=f"{digest.since:%Y-%m-%d}",
        until=f"{digest.last_day:%Y-%m-%d}",
        unsubscribe_url=unsubscribe_url,
    )


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """`2026-11` -> [2026-11-01, 2026-12-01) in UTC; ValueError on anything else."""
    year, month = (int(part) for part in period.split("-", 1))
    since = datetime(year, month, 1, tzinfo=UTC)
    until = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return since, until


def previous_period(now: datetime) -> str:
    """The last complete month: its Letter is the one due."""
    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    return f"{year:04d}-{month:02d}"
