"""Sending the Letter by email (SMTP via aiosmtplib), once per member, scope and month.

Email is off unless `BARAZA_SMTP_URL` is set: `smtp://host:25` (STARTTLS when the server
offers it), `smtp+starttls://user:password@host:587` (STARTTLS required) or
`smtps://user:password@host:465` (implicit TLS); user and password are URL-encoded, and
`?ca_file=/path.pem` trusts a private CA. A `LetterDelivery` row is claimed before a message
goes out and released if sending fails, so a re-run never sends the same Letter twice and a
failed one is tried again next time.

A permanent refusal at send time (an SMTP 5xx for the recipient) is recorded on the member as a
bounce, and that address gets no more Letters until the member's address changes; unsubscribes
are recorded with their time. `baraza letter mail-status` lists both.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from tortoise.exceptions import BaseORMException, IntegrityError

from baraza.i18n import pick_language
from baraza.settings import Settings
from federation.domain_blocks import audit
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


Progress = Callable[[int, int], None]  # (done, total): the CLI draws it as a bar
Tls = Literal["opportunistic", "starttls", "implicit"]
SCHEMES: dict[str, tuple[Tls, int]] = {
    "smtp": ("opportunistic", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("implicit", 465),
}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: Tls = "opportunistic"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None


def smtp_server(url: str | None) -> SmtpServer | None:
    """Pure: `BARAZA_SMTP_URL` -> where and how to send; None (email off) when unset;
    ValueError if it is not one of the three forms. Table-tested."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(
            "BARAZA_SMTP_URL must look like smtp://host:25, smtp+starttls://user:pass@host:587 "
            "or smtps://user:pass@host:465"
        )
    tls, default_port = SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as exc:
        raise ValueError("BARAZA_SMTP_URL has an invalid port") from exc
    ca_file = parse_qs(parts.query).get("ca_file", [None])[0]
    return SmtpServer(
        host=parts.hostname,
        port=port,
        tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        ca_file=ca_file,
    )


def configured_server() -> SmtpServer | None:
    """The mail settings every door reads (`BARAZA_SMTP_URL`): the CLI and the console's mail
    page. ValueError when it is set but malformed."""
    return smtp_server(os.environ.get("BARAZA_SMTP_URL"))


def plausible_address(text: str) -> bool:
    """Pure: worth handing to the mail server (one `@`, something either side, no spaces);
    the server itself is the judge of the rest."""
    local, at, domain = text.partition("@")
    return (
        bool(at and local and domain)
        and len(text) <= 254
        and not any(c.isspace() or c in "<>,;" for c in text)
    )


async def send_message(server: SmtpServer, message: EmailMessage) -> None:
    """One message through `server`; certificates are always verified (a private CA through
    `ca_file`). Raises aiosmtplib's errors and OSError."""
    options: dict[str, Any] = {"hostname": server.host, "port": server.port}
    if server.ca_file:
        options["tls_context"] = ssl.create_default_context(cafile=server.ca_file)
    if server.tls == "implicit":
        options["use_tls"] = True
    elif server.tls == "starttls":
        options["start_tls"] = True
    if server.username:
        options.update(username=server.username, password=server.password or "")
    await aiosmtplib.send(message, **options)


def permanent_refusal(exc: BaseException) -> tuple[int, str] | None:
    """Pure: the SMTP code and reply of a refusal that will not change on retry (5xx), else
    None (4xx, a dropped connection: try again next time)."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        first = exc.recipients[0]
        code, reply = first.code, first.message
    elif isinstance(exc, aiosmtplib.SMTPResponseException):
        code, reply = exc.code, exc.message
    else:
        return None
    return (code, reply[:300]) if 500 <= code < 600 else None


def may_mail(member: Actor) -> bool:
    """Pure: an address, no unsubscribe, and no bounce recorded for this very address."""
    address = member_email(member)
    if not address or unsubscribed(member):
        return False
    doc = member.document if isinstance(member.document, dict) else {}
    bounce = doc.get("letter_bounce")
    return not (isinstance(bounce, dict) and bounce.get("address") == address)


async def record_bounce(member: Actor, address: str, code: int, reply: str) -> None:
    async with action():
        fresh = await Actor.select_for_update().get(id=member.id)
        doc = dict(fresh.document) if isinstance(fresh.document, dict) else {}
        doc["letter_bounce"] = {
            "address": address,
            "code": code,
            "reply": reply,
            "at": datetime.now(UTC).isoformat(),
        }
        fresh.document = doc
        await fresh.save(update_fields=["document"])


@dataclass(frozen=True)
class MailStatus:
    acct: str
    address: str
    state: str  # bounced | unsubscribed
    at: str
    detail: str


async def mail_statuses() -> list[MailStatus]:
    """Members whose Letter does not reach them, and why: for `baraza letter mail-status`
    and the console."""
    found: list[MailStatus] = []
    for member in await Actor.filter(local=True, type="Person").order_by("id"):
        doc = member.document if isinstance(member.document, dict) else {}
        bounce = doc.get("letter_bounce")
        if isinstance(bounce, dict):
            detail = f"{bounce.get('code')} {bounce.get('reply', '')}".strip()
            found.append(
                MailStatus(
                    member.acct,
                    str(bounce.get("address", "")),
                    "bounced",
                    str(bounce.get("at", "")),
                    detail,
                )
            )
        if doc.get("letter_unsubscribed"):
            found.append(
                MailStatus(
                    member.acct,
                    member_email(member),
                    "unsubscribed",
                    str(doc.get("letter_unsubscribed_at", "")),
                    "",
                )
            )
    return found


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
        doc["letter_unsubscribed_at"] = datetime.now(UTC).isoformat()
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


async def send_test_message(
    settings: Settings, server: SmtpServer, to: str, *, who: str | None = None
) -> None:
    """`baraza letter test-mail` and the console's button: one short message, so an admin
    sees the settings work; sent by `who`, it is in the audit log once the server took it."""
    message = EmailMessage()
    message["From"] = sender_address(settings)
    message["To"] = to
    message["Subject"] = f"Test message from {settings.domain}"
    message.set_content(
        f"This is a test of {settings.base_url}'s mail settings. The Letter can be sent.\n"
    )
    await send_message(server, message)
    if who is not None:
        await audit(who, "letter.test_mail", to, f"{server.host}:{server.port}")


async def send_due_letters(
    settings: Settings, period: str, server: SmtpServer, progress: Progress | None = None
) -> int:
    """Sends every Letter of `period` not yet sent; returns how many went out. `progress`
    hears (members done, members in all) after each member."""
    since, until = month_bounds(period)
    sent = 0
    members = await Actor.filter(local=True, type="Person", suspended_at=None).order_by("id")
    for done, member in enumerate(members, start=1):
        if progress is not None:
            progress(done - 1, len(members))
        address = member_email(member)
        if not may_mail(member):
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
                await send_message(server, message)
            except (aiosmtplib.SMTPException, OSError) as exc:
                await claim.delete()
                log.warning("letter to %s not sent: %s", member.acct, exc)
                refusal = permanent_refusal(exc)
                if refusal is not None:
                    await record_bounce(member, address, *refusal)
                    break  # this address takes no more Letters this run
                continue
            sent += 1
    if progress is not None:
        progress(len(members), len(members))
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
