"""A member's content filters changed as core actions; what a valid filter is, checked purely.

The decision that applies them is `outbox.content_filters`; this module only keeps them.
A filter names statuses only the member may see: naming any other is the 404 of a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from baraza.ids import new_id
from federation.errors import NotFound, Unprocessable
from outbox.commit import action
from outbox.content_filters import ACTIONS, CONTEXTS
from outbox.surface import filters_changed
from outbox.viewing import may_view
from storage.models import Actor, ContentFilter, FilterKeyword, FilterStatus, Post

MAX_TITLE = 255
MAX_KEYWORD = 255
MAX_EXPIRES_IN = 10 * 365 * 24 * 3600


@dataclass(frozen=True)
class KeywordChange:
    """One entry of `keywords_attributes`: a new keyword (no id), a change, or a removal."""

    keyword: str | None
    whole_word: bool | None
    id: int | None = None
    destroy: bool = False


@dataclass(frozen=True)
class FilterShape:
    title: str | None = None
    context: tuple[str, ...] | None = None
    action: str | None = None
    expires_in: int | None = None
    expires_given: bool = False  # `expires_in` sent (empty: never expires)
    keywords: tuple[KeywordChange, ...] = field(default_factory=tuple)


def check_shape(shape: FilterShape, *, creating: bool) -> None:
    """Pure: 422 naming what is wrong with a filter as sent."""
    if creating or shape.title is not None:
        if not shape.title or not shape.title.strip():
            raise Unprocessable("Validation failed: Title can't be blank")
        if len(shape.title) > MAX_TITLE:
            raise Unprocessable(f"Validation failed: Title is longer than {MAX_TITLE} characters")
    if creating or shape.context is not None:
        if not shape.context:
            raise Unprocessable("Validation failed: Context can't be blank")
        unknown = [c for c in shape.context if c not in CONTEXTS]
        if unknown:
            raise Unprocessable(
                f"Validation failed: Context {unknown[0][:40]!r} is not one of "
                + ", ".join(CONTEXTS)
            )
    if shape.action is not None and shape.action not in ACTIONS:
        raise Unprocessable("filter_action must be warn or hide")
    for change in shape.keywords:
        if not change.destroy and change.id is None:
            check_keyword(change.keyword)
        elif change.keyword is not None:
            check_keyword(change.keyword)


def check_keyword(keyword: str | None) -> str:
    if keyword is None or not keyword.strip():
        raise Unprocessable("Validation failed: Keyword can't be blank")
    if len(keyword) > MAX_KEYWORD:
        raise Unprocessable(f"Validation failed: Keyword is longer than {MAX_KEYWORD} characters")
    return keyword


def _expiry(shape: FilterShape) -> datetime | None:
    if shape.expires_in is None:
        return None
    return datetime.now(UTC) + timedelta(seconds=shape.expires_in)


async def _owner_of(filter_id: int) -> int:
    owner_ids = await ContentFilter.filter(id=filter_id).values_list("owner_id", flat=True)
    return owner_ids[0] if owner_ids else 0


async def own_filter(owner: Actor, filter_id: int | None) -> ContentFilter:
    found = await ContentFilter.get_or_none(id=filter_id, owner=owner) if filter_id else None
    if found is None:
        raise NotFound("Record not found")
    return found


async def create_filter(owner: Actor, shape: FilterShape) -> ContentFilter:
    check_shape(shape, creating=True)
    async with action() as after:
        after.add(lambda: filters_changed(owner.id))
        row = await ContentFilter.create(
            id=new_id(),
            owner=owner,
            title=(shape.title or "").strip(),
            context=list(dict.fromkeys(shape.context or ())),
            action=shape.action or "warn",
            expires_at=_expiry(shape),
        )
        await _apply_keywords(row, shape.keywords)
    return row


async def update_filter(row: ContentFilter, shape: FilterShape) -> ContentFilter:
    check_shape(shape, creating=False)
    async with action() as after:
        after.add(lambda: filters_changed(row.owner_id))  # type: ignore[attr-defined]
        if shape.title is not None:
            row.title = shape.title.strip()
        if shape.context is not None:
            row.context = list(dict.fromkeys(shape.context))
        if shape.action is not None:
            row.action = shape.action
        if shape.expires_given:
            row.expires_at = _expiry(shape)
        await row.save()
        await _apply_keywords(row, shape.keywords)
    return row


async def _apply_keywords(row: ContentFilter, changes: tuple[KeywordChange, ...]) -> None:
    for change in changes:
        if change.id is None:
            if not change.destroy:
                await FilterKeyword.create(
                    id=new_id(),
                    content_filter=row,
                    keyword=check_keyword(change.keyword).strip(),
                    whole_word=True if change.whole_word is None else change.whole_word,
                )
            continue
        existing = await FilterKeyword.get_or_none(id=change.id, content_filter=row)
        if existing is None:
            raise NotFound("Record not found")
        if change.destroy:
            await existing.delete()
        else:
            await update_keyword(existing, change.keyword, change.whole_word)


async def delete_filter(row: ContentFilter) -> None:
    owner_id = row.owner_id  # type: ignore[attr-defined]
    async with action() as after:
        after.add(lambda: filters_changed(owner_id))
        await row.delete()


async def own_keyword(owner: Actor, keyword_id: int | None) -> FilterKeyword:
    found = (
        await FilterKeyword.get_or_none(id=keyword_id, content_filter__owner=owner)
        if keyword_id
        else None
    )
    if found is None:
        raise NotFound("Record not found")
    return found


async def add_keyword(
    row: ContentFilter, keyword: str | None, whole_word: bool | None
) -> FilterKeyword:
    async with action() as after:
        after.add(lambda: filters_changed(row.owner_id))  # type: ignore[attr-defined]
        return await FilterKeyword.create(
            id=new_id(),
            content_filter=row,
            keyword=check_keyword(keyword).strip(),
            whole_word=True if whole_word is None else whole_word,
        )


async def update_keyword(
    row: FilterKeyword, keyword: str | None, whole_word: bool | None
) -> FilterKeyword:
    owner_id = await _owner_of(row.content_filter_id)  # type: ignore[attr-defined]
    async with action() as after:
        after.add(lambda: filters_changed(owner_id))
        if keyword is not None:
            row.keyword = check_keyword(keyword).strip()
        if whole_word is not None:
            row.whole_word = whole_word
        await row.save()
    return row


async def delete_keyword(row: FilterKeyword) -> None:
    owner_id = await _owner_of(row.content_filter_id)  # type: ignore[attr-defined]
    async with action() as after:
        after.add(lambda: filters_changed(owner_id))
        await row.delete()


async def own_status(owner: Actor, status_filter_id: int | None) -> FilterStatus:
    found = (
        await FilterStatus.get_or_none(id=status_filter_id, content_filter__owner=owner)
        if status_filter_id
        else None
    )
    if found is None:
        raise NotFound("Record not found")
    return found


async def add_status(row: ContentFilter, owner: Actor, post_id: int | None) -> FilterStatus:
    """A status the owner may see, once per filter (a second add answers the first)."""
    post = await Post.get_or_none(id=post_id, deleted_at=None) if post_id else None
    if post is None or not await may_view(post, owner):
        raise NotFound("Record not found")
    async with action() as after:
        after.add(lambda: filters_changed(owner.id))
        existing = await FilterStatus.get_or_none(content_filter=row, post=post)
        if existing is not None:
            return existing
        return await FilterStatus.create(id=new_id(), content_filter=row, post=post)


async def delete_status(row: FilterStatus) -> None:
    owner_id = await _owner_of(row.content_filter_id)  # type: ignore[attr-defined]
    async with action() as after:
        after.add(lambda: filters_changed(owner_id))
        await row.delete()
