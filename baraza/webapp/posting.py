"""Writing in the web app: compose (text, content warning, language, visibility, a space,
attachments, a poll), and the actions on a post and a person, as plain forms.

Each form calls what the API calls: `clientapi.statuses.posting` reads the draft (every check
the API makes, before anything is written) and publishes it through `outbox.actions
create_post`; attachments go through the media API's `store_upload`; the space chosen in the
form is decided by `spaces.destination` exactly as a mention of the space would be; likes,
boosts and bookmarks are `outbox.interactions`, deleting is `outbox.actions.delete_post`,
following `outbox.graph`, joining a space `spaces.membership`, voting `outbox.votes`.
After the action: POST-redirect-GET, with a notice.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from baraza.i18n import N_
from baraza.services import services
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import local_path, render_page, require_member, see_other
from federation.errors import FederationError, NotFound, Unprocessable
from outbox.audience import VISIBILITIES
from outbox.viewing import visible_post
from storage.models import Actor, Follow, MediaAttachment, Post

blueprint = Blueprint("web_posting", __name__)

MAX_FILES = 4
POLL_OPTIONS = 4


async def member_spaces(member: Actor) -> list[Actor]:
    """The spaces the member belongs to, for the compose form's choice."""
    ids = await Follow.filter(follower=member, accepted=True, target__type="Group").values_list(
        "target_id", flat=True
    )
    return list(await Actor.filter(id__in=ids, suspended_at=None).order_by("username"))


async def _compose(
    member: Actor, *, status: int = 200, error: str | None = None, form: Any = None
) -> Response:
    from baraza.webapp.cards import cards

    values = form or request.args
    reply_to = None
    reply_id = values.get("in_reply_to_id") or ""
    if reply_id:
        reply_to = (await cards([await visible_post(reply_id, member)], member))[0]
    return await render_page(
        "web/compose.html",
        status=status,
        error=error,
        values=values,
        reply_to=reply_to,
        spaces=await member_spaces(member),
        visibilities=VISIBILITIES,
        poll_options=range(POLL_OPTIONS),
        max_files=MAX_FILES,
    )


@blueprint.get("/compose")
async def compose_page() -> Response:
    member = await require_member()
    return await _compose(member)


def _params(form: Any, media_ids: list[int]) -> Any:
    """The form as the API's parameters: the same names, so the same checks apply."""
    from clientapi.params import Params

    values: dict[str, list[Any]] = {k: form.getlist(k) for k in form}
    values.pop("csrf_token", None)
    values.pop("space", None)
    options = [o.strip() for o in form.getlist("poll[options][]") if o.strip()]
    values.pop("poll[options][]", None)
    if options:
        values["poll[options][]"] = options
    else:
        for key in ("poll[expires_in]", "poll[multiple]"):
            values.pop(key, None)
    values["media_ids"] = [str(i) for i in media_ids]
    return Params(values)


async def _chosen_space(member: Actor, form: Any) -> Actor | None:
    wanted = (form.get("space") or "").strip()
    if not wanted:
        return None
    from storage.ids import parse_id

    number = parse_id(wanted)
    for space in await member_spaces(member):
        if space.id == number:
            return space
    raise Unprocessable("you are not a member of that space")


async def _uploads(member: Actor, form: Any) -> list[MediaAttachment]:
    from clientapi.media.media import store_upload

    files = [f for f in (await request.files).getlist("file") if f and f.filename]
    if len(files) > MAX_FILES:
        raise Unprocessable(f"Validation failed: at most {MAX_FILES} attachments")
    description = (form.get("description") or "")[:1500]
    return [await store_upload(member, f, description) for f in files]


@blueprint.post("/compose")
async def compose_submit() -> Response:
    """Publish the form's post; a refused one comes back with what was typed and why."""
    from clientapi.statuses.posting import publish_status, read_draft
    from spaces.destination import destination_for

    await check_csrf()
    member = await require_member()
    form = await request.form
    uploaded: list[MediaAttachment] = []
    try:
        space = await _chosen_space(member, form)
        uploaded = await _uploads(member, form)
        draft = await read_draft(member, _params(form, [m.id for m in uploaded]))
        if space is not None:
            # The space in the form counts as a mention of it: the same rule decides.
            decided, draft.visibility = await destination_for(
                member, draft.visibility, [space], draft.in_reply_to
            )
            if decided is None or decided.id != space.id:
                raise Unprocessable(
                    "a post in a public space is public or unlisted, and a reply stays in "
                    "its post's space"
                )
        post = await publish_status(member, draft, space=space)
    except FederationError as refused:
        if uploaded:
            await MediaAttachment.filter(id__in=[m.id for m in uploaded], post_id=None).delete()
        return await _compose(member, status=422, error=refused.reason, form=form)
    return see_other(f"/@{member.username}/{post.id}", notice=N_("Your post is published."))


def _back(form: Any, post: Post | None = None) -> str:
    fallback = f"/posts/{post.id}" if post is not None else "/"
    return local_path(form.get("next"), fallback)


ACTIONS = ("like", "unlike", "boost", "unboost", "bookmark", "unbookmark", "delete")
NOTICES = {
    "like": N_("Liked."),
    "unlike": N_("Like taken back."),
    "boost": N_("Boosted."),
    "unboost": N_("Boost taken back."),
    "bookmark": N_("Bookmarked."),
    "unbookmark": N_("Bookmark removed."),
    "delete": N_("Your post is deleted."),
}


@blueprint.post(f"/posts/<post_id>/<any({', '.join(ACTIONS)}):act>")
async def post_action(post_id: str, act: str) -> Response:
    """Like, boost, bookmark (and undo them), or delete one's own post: the core's actions,
    which check again that the member may see the post (and delete only their own)."""
    from outbox import actions, interactions

    await check_csrf()
    member = await require_member()
    form = await request.form
    post = await visible_post(post_id, member)
    config = services().settings
    if act == "like":
        await interactions.like(config, member, post)
    elif act == "unlike":
        await interactions.unlike(config, member, post)
    elif act == "boost":
        await interactions.announce(config, member, post)
    elif act == "unboost":
        await interactions.unannounce(config, member, post)
    elif act == "bookmark":
        await interactions.bookmark(member, post)
    elif act == "unbookmark":
        await interactions.unbookmark(member, post)
    else:
        await actions.delete_post(config, member, post)
        return see_other(local_path(form.get("next"), "/"), notice=NOTICES[act])
    return see_other(_back(form, post) + f"#post-{post.id}", notice=NOTICES[act])


@blueprint.post("/posts/<post_id>/vote")
async def vote_submit(post_id: str) -> Response:
    from outbox.votes import vote

    await check_csrf()
    member = await require_member()
    form = await request.form
    post = await visible_post(post_id, member)
    choices = form.getlist("choice")
    try:
        await vote(services().settings, member, post, choices)
    except Unprocessable:
        return see_other(_back(form, post), notice=N_("Your vote could not be counted."))
    return see_other(_back(form, post), notice=N_("Your vote is counted."))


@blueprint.post("/accounts/<account_id>/<any(follow, unfollow):act>")
async def follow_submit(account_id: str, act: str) -> Response:
    """Follow or unfollow a person, join or leave a space: the API's actions."""
    from actors.existence import may_know
    from outbox import graph
    from spaces import membership
    from storage.ids import parse_id

    await check_csrf()
    member = await require_member()
    form = await request.form
    number = parse_id(account_id)
    target = await Actor.get_or_none(id=number) if number is not None else None
    if target is None or target.suspended_at is not None or not await may_know(target, member):
        raise NotFound("no such actor")
    if target.id == member.id:
        raise Unprocessable("you cannot follow yourself")
    config = services().settings
    space = target.type == "Group"
    if act == "follow" and space:
        await membership.join(config, member, target)
        notice = N_("You joined the space.")
    elif act == "follow":
        await graph.follow(config, member, target)
        notice = N_("You follow them now.")
    elif space:
        await membership.leave(member, target)
        notice = N_("You left the space.")
    else:
        await graph.unfollow(config, member, target)
        notice = N_("You no longer follow them.")
    if act == "follow" and await Follow.exists(follower=member, target=target, accepted=False):
        notice = N_("Your request is waiting for an answer.")
    from baraza.webapp.cards import profile_link

    fallback = profile_link(target) if target.local else "/search"
    return see_other(local_path(form.get("next"), fallback), notice=notice)
