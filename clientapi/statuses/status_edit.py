"""`PUT /api/v1/statuses/:id` read the way Mastodon reads it: the request replaces the text,
content warning, sensitivity and language; everything is validated before anything changes.

Changing attachments in an edit is not supported yet: `media_ids`, when sent, must name the
attachments the status already has (apps such as Elk always resend them), else 422.
"""

from __future__ import annotations

from baraza.services import services
from clientapi.params import Params
from clientapi.statuses.compose import valid_language
from clientapi.statuses.posting import MAX_CHARACTERS, compose_html
from federation.errors import Unprocessable
from outbox.edits import edit_post
from storage.models import Actor, MediaAttachment, Post


async def edit_from_params(member: Actor, post: Post, params: Params) -> Post:
    text = params.text("status")
    current_media = [
        str(m) for m in await MediaAttachment.filter(post_id=post.id).values_list("id", flat=True)
    ]
    if "media_ids" in params:
        sent = [str(m) for m in params.getlist("media_ids") if str(m)]
        if sorted(sent) != sorted(current_media):
            raise Unprocessable("Validation failed: attachments cannot be changed by an edit")
    if not text.strip() and not current_media and not post.attachments:
        raise Unprocessable("Validation failed: Text can't be blank")
    if len(text) > MAX_CHARACTERS:
        raise Unprocessable(f"Validation failed: Text is over {MAX_CHARACTERS} characters")
    language = params.text("language") or post.language
    if language and not valid_language(language):
        raise Unprocessable(f"Validation failed: {language[:20]!r} is not an ISO 639-1 language")
    spoiler_text = params.text("spoiler_text")
    if len(spoiler_text) > 1000:
        raise Unprocessable("Validation failed: spoiler_text is over 1000 characters")
    content, mentions, hashtags = await compose_html(text, member)
    mention_tags = [{"type": "Mention", "href": m.uri, "name": f"@{m.acct}"} for m in mentions]
    return await edit_post(
        services().settings,
        member,
        post,
        content_html=content,
        summary=spoiler_text,
        sensitive=params.flag("sensitive") or bool(spoiler_text),
        language=language.lower() if language else None,
        tags=[*mention_tags, *hashtags],
        mentions=mentions,
        source=text,
    )
