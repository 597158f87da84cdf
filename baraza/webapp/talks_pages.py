"""A space's Talks in the web app: the list with a form to create one, a Talk with the RSVP
form, an `.ics` file per Talk and a calendar feed per space.

Talks are created by `spaces.talks.publish_talk` from fields parsed by `parse_talk` (the API's
rules: a name, an aware start, an end not before it, an http(s) location); answers by
`spaces.talks.answer`. The calendar files are written by `spaces.calendar` (icalendar).

The feed is read through the session, like every page: a public space's feed is open to
calendar apps (while logged-out reading is on); a private space's feed answers only a signed-in
member's browser, which downloads it (no secret URL that could leak the space's schedule).
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from quart import Blueprint, Response, current_app, request

from baraza.i18n import N_, current_language
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, require_member, see_other
from baraza.webapp.space_access import SpaceView, read_space, view_space
from federation.errors import NotFound, Unprocessable
from outbox.viewing import visible_posts
from spaces.calendar import CalendarTalk, calendar, talk_from_post
from spaces.talks import answer, find_talk, parse_talk, participant_counts, publish_talk
from storage.models import EventParticipation, Post

blueprint = Blueprint("web_talks", __name__)

LISTED = 40
OFFSETS = [f"{'+' if h >= 0 else '-'}{abs(h):02d}:{m:02d}" for h in range(-12, 15) for m in (0,)]
OFFSETS[OFFSETS.index("+05:00") + 1 : OFFSETS.index("+05:00") + 1] = ["+05:30"]
ANSWER_NAMES = {"accept": N_("Going"), "tentative": N_("Maybe"), "reject": N_("Not going")}


def when(moment: datetime | None) -> str:
    """A Talk's time as the reader's language writes it, in the time zone it was set in (the
    zone itself is shown apart, by `zone`, so it reads left to right in Arabic too)."""
    if moment is None:
        return ""
    return format_datetime(moment, "EEEE d MMMM y, HH:mm", locale=current_language())


def zone(moment: datetime | None) -> str:
    """`UTC+03:00`: the offset the Talk was set in."""
    if moment is None or moment.utcoffset() is None:
        return ""
    return "UTC" + moment.isoformat()[-6:]


def form_time(date: str, time: str, offset: str) -> str | None:
    """The three form fields as one ISO 8601 date-time for `parse_talk` (None when empty)."""
    if not date:
        return None
    if offset not in OFFSETS:
        offset = "+00:00"
    return f"{date}T{time or '00:00'}{offset}"


def _calendar_talk(post: Post, url: str) -> CalendarTalk | None:
    from html import unescape
    from re import sub

    text = unescape(sub(r"<[^>]+>", " ", post.content or "")).strip()
    return talk_from_post(
        post.uri, post.name, text, post.document, url, post.edited_at or post.published
    )


async def _talks(view: SpaceView) -> list[Post]:
    rows = (
        await Post.filter(space=view.space, type="Event", deleted_at=None)
        .order_by("-id")
        .limit(LISTED)
    )
    return await visible_posts(rows, view.reader)


def _talk_url(view: SpaceView, post: Post) -> str:
    settings = current_app.extensions["baraza"].settings
    return settings.url(f"/space/{view.space.id}/talks/{post.id}")


@blueprint.get("/space/<space_id>/talks")
async def talks_page(space_id: str) -> Response:
    view = await read_space(space_id)
    talks = []
    for post in await _talks(view):
        event = _calendar_talk(post, _talk_url(view, post))
        start = (when(event.start), zone(event.start)) if event else ("", "")
        talks.append((post, start, await participant_counts(post)))
    return await render_page(
        "web/talks.html", view=view, space=view.space, talks=talks, offsets=OFFSETS, tab="talks"
    )


@blueprint.post("/space/<space_id>/talks")
async def create_talk(space_id: str) -> Response:
    await check_csrf()
    member = await require_member()
    view = await view_space(space_id, member)
    form = await request.form
    back = f"/space/{view.space.id}/talks"
    offset = form.get("offset", "+00:00")
    fields = {
        "name": form.get("name", "")[:500],
        "content": form.get("content", "")[:5000],
        "start_time": form_time(form.get("start_date", ""), form.get("start_time", ""), offset),
        "end_time": form_time(
            form.get("end_date", "") or form.get("start_date", ""), form.get("end_time", ""), offset
        )
        if form.get("end_time")
        else None,
        "location": form.get("location", "").strip()[:500] or None,
    }
    if not view.is_member:
        return see_other(back, notice=N_("Only members of the space may create Talks."))
    try:
        talk = parse_talk(fields)
    except Unprocessable as refused:
        return see_other(back, notice=_talk_problem(refused.reason))
    post = await publish_talk(current_app.extensions["baraza"].settings, member, view.space, talk)
    return see_other(f"{back}/{post.id}", notice=N_("The Talk is published."))


def _talk_problem(reason: str) -> str:
    """The API's reason, as a sentence the form's reader can act on."""
    if "name" in reason:
        return N_("A Talk needs a name.")
    if "location" in reason:
        return N_("The place online must be a link starting with https://.")
    if "before" in reason:
        return N_("The Talk cannot end before it starts.")
    return N_("Give the date and time the Talk starts.")


@blueprint.get("/space/<space_id>/talks/<talk_id>")
async def talk_page(space_id: str, talk_id: str) -> Response:
    view = await read_space(space_id)
    post = await _visible_talk(view, talk_id)
    event = _calendar_talk(post, _talk_url(view, post))
    mine = None
    if view.reader is not None:
        row = await EventParticipation.get_or_none(post=post, actor=view.reader)
        mine = row.state if row else None
    return await render_page(
        "web/talk.html",
        view=view,
        space=view.space,
        talk=post,
        event=event,
        start=when(event.start if event else None),
        end=when(event.end if event else None),
        start_zone=zone(event.start if event else None),
        end_zone=zone(event.end if event else None),
        counts=await participant_counts(post),
        mine=mine,
        answers=ANSWER_NAMES,
        tab="talks",
    )


async def _visible_talk(view: SpaceView, talk_id: str) -> Post:
    post = await find_talk(view.space, talk_id, view.reader)
    if not await visible_posts([post], view.reader):
        raise NotFound("Record not found")
    return post


@blueprint.post("/space/<space_id>/talks/<talk_id>/answer")
async def answer_talk(space_id: str, talk_id: str) -> Response:
    await check_csrf()
    member = await require_member()
    view = await view_space(space_id, member)
    post = await _visible_talk(view, talk_id)
    state = (await request.form).get("answer", "")
    if state not in ANSWER_NAMES:
        raise Unprocessable("answer must be accept, tentative or reject")
    await answer(current_app.extensions["baraza"].settings, member, post, state)
    return see_other(f"/space/{view.space.id}/talks/{post.id}", notice=N_("Your answer is saved."))


def _ics(body: bytes, view: SpaceView, filename: str) -> Response:
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store" if view.space.private else "no-cache"
    return response


@blueprint.get("/space/<space_id>/talks/<talk_id>/talk.ics")
async def talk_ics(space_id: str, talk_id: str) -> Response:
    view = await read_space(space_id)
    post = await _visible_talk(view, talk_id)
    event = _calendar_talk(post, _talk_url(view, post))
    name = view.space.display_name or view.space.local_username or ""
    return _ics(calendar(name, [event] if event else []), view, f"talk-{post.id}.ics")


@blueprint.get("/space/<space_id>/calendar.ics")
async def space_calendar(space_id: str) -> Response:
    view = await read_space(space_id)
    events = [_calendar_talk(p, _talk_url(view, p)) for p in await _talks(view)]
    name = view.space.display_name or view.space.local_username or ""
    body = calendar(name, [e for e in events if e is not None])
    return _ics(body, view, f"{view.space.local_username or view.space.id}.ics")
