"""Sending the Letter by email (SMTP via aiosmtplib), once per member, scope and month.

Email is off unless `BARAZA_SMTP_URL` (`smtp://host:port`) is set. A `LetterDelivery` row is
claimed before a message goes out and released if sending fails, so a re-run never sends the
same Letter twice and a failed one is tried again next time.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from urllib.parse import urlsplit

import aiosmtplib
from tortoise.exceptions import BaseORMException, IntegrityError

from baraza.i18n import pick_language
from baraza.settings import Settings
from outbox.commit import action
from spaces.letter import (
    NETWORK,
    build_digest,
    month_bounds,
    render_html,
    render_text,
    subject_line,
)
from spaces.letter_tokens import unsubscribe_token
from storage.models import Actor, Follow, LetterDelivery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int


def smtp_server(url: str | None) -> SmtpServer | None:
    """`smtp://host:port` -> where to send; None (email off) when unset; ValueError if bad."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "smtp" or not parts.hostname:
        raise ValueError(f"BARAZA_SMTP_URL must look like smtp://host:port, not {url!r}")
    return SmtpServer(parts.hostname, parts.port or 25)


def member_email(member: Actor) -> str:
    doc = member.document if isinstance(member.document, dict) else {}
    return str(doc.get("email") or "")


def unsubscribed(member: Actor) -> bool:
    doc = member.document if isinstance(member.document, dict) else {}
    return bool(doc.get("letter_unsubscribed"))


async def unsubscribe_member(member: Actor) -> None:
    """The member receives no further Letter; one action, whichever door asked (the one-click
    POST of a mail client or the confirmation page's button)."""
    async with action():
        fresh = await Actor.select_for_update().get(id=member.id)
        doc = dict(fresh.document) if isinstance(fresh.document, dict) else {}
        doc["letter_unsubscribed"] = True
        fresh.document = doc
        await fresh.save(update_fields=["document"])


def sender_address(settings: Settings) -> str:
    return os.environ.get("BARAZA_LETTER_FROM") or f"letter@{settings.domain.split(':', 1)[0]}"


def compose(
    settings: Settings, to: str, subject: str, text: str, html: str, unsubscribe_url: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender_address(settings)
    message["To"] = to
    message["Subject"] = subject
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


async def _scopes(member: Actor) -> list[str | Actor]:
    """The network's Letter, then one per local space the member belongs to."""
    joined = await Follow.filter(follower=member, accepted=True).values_list("target_id", flat=True)
    spaces = await Actor.filter(
        local=True, type="Group", suspended_at=None, id__in=list(joined)
    ).order_by("username")
    return [NETWORK, *spaces]


async def send_due_letters(settings: Settings, period: str, server: SmtpServer) -> int:
    """Sends every Letter of `period` not yet sent; returns how many went out."""
    since, until = month_bounds(period)
    sent = 0
    members = await Actor.filter(local=True, type="Person", suspended_at=None).order_by("id")
    for member in members:
        address = member_email(member)
        if not address or unsubscribed(member):
            continue
        language = pick_language(member.ui_language, None)
        unsubscribe_url = settings.url(
            f"/letter/unsubscribe?token={await unsubscribe_token(member.id)}"
        )
        for scope in await _scopes(member):
            digest = await build_digest(member, scope, since, until)
            if digest.empty:
                continue
            try:
                claim = await LetterDelivery.create(
                    member=member, scope=digest.scope, period=period
                )
            except IntegrityError:
                continue  # already sent
            message = compose(
                settings,
                address,
                subject_line(digest, language),
                render_text(digest, language, unsubscribe_url),
                render_html(digest, language, unsubscribe_url),
                unsubscribe_url,
            )
            try:
                await aiosmtplib.send(message, hostname=server.host, port=server.port)
            except (aiosmtplib.SMTPException, OSError) as exc:
                await claim.delete()
                log.warning("letter to %s not sent: %s", member.acct, exc)
                continue
            sent += 1
    return sent


LETTER_CHECK_SECONDS = 3600.0


async def run_letter_schedule(settings: Settings, stop: asyncio.Event) -> None:
    """The worker's schedule: hourly, send last month's Letters that are due.

    `send_due_letters` is idempotent (one `LetterDelivery` row per member, scope and period),
    so several workers running this at once, or a run after a crash, send nothing twice.
    """
    from spaces.letter import previous_period

    server = smtp_server(os.environ.get("BARAZA_SMTP_URL"))
    if server is None:
        return
    while not stop.is_set():
        try:
            sent = await send_due_letters(settings, previous_period(datetime.now(UTC)), server)
            if sent:
                log.info("sent %d Letters", sent)
        except (OSError, BaseORMException) as exc:
            log.warning("Letters not sent this hour: %s", exc)
        try:
            await asyncio.wait_for(stop.wait(), timeout=LETTER_CHECK_SECONDS)
        except TimeoutError:
            continue
