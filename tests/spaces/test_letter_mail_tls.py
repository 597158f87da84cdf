"""The Letter's mail against a real SMTP server (aiosmtpd): STARTTLS and implicit TLS with a
self-signed certificate made here, login checked by the server, a permanent refusal recorded
as a bounce and the address spared afterwards, unsubscribes listed; and the URL table."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import ssl
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from actors.accounts import create_member, create_space, join_space
from outbox import actions
from spaces.letter_mail import (
    SmtpServer,
    mail_statuses,
    may_mail,
    permanent_refusal,
    send_due_letters,
    send_test_message,
    smtp_server,
    unsubscribe_member,
)
from storage.models import Actor
from tests.e2e.instance import free_port


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example", ("mail.example", 25, "opportunistic", None, None)),
        (
            "smtp+starttls://me%40x.org:p%3Ass@mail.example",
            ("mail.example", 587, "starttls", "me@x.org", "p:ss"),
        ),
        ("smtps://u:p@mail.example:2465", ("mail.example", 2465, "implicit", "u", "p")),
    ],
)
def test_smtp_urls(url: str, expected: tuple[Any, ...]) -> None:
    server = smtp_server(url)
    assert server is not None
    assert (server.host, server.port, server.tls, server.username, server.password) == expected
    assert "password" not in repr(server)  # never in a log line


@pytest.mark.parametrize("bad", ["smtps://", "imap://mail.example", "smtp://h:port"])
def test_smtp_urls_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        smtp_server(bad)


def test_permanent_refusal() -> None:
    refused = aiosmtplib.SMTPRecipientsRefused(
        [aiosmtplib.SMTPRecipientRefused(550, "no such user", "x@mail.test")]
    )
    assert permanent_refusal(refused) == (550, "no such user")
    later = aiosmtplib.SMTPRecipientsRefused(
        [aiosmtplib.SMTPRecipientRefused(451, "try later", "x@mail.test")]
    )
    assert permanent_refusal(later) is None
    assert permanent_refusal(ConnectionResetError()) is None


def _certificate(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A self-signed certificate for 127.0.0.1: the server's context and the CA file the
    client is told to trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


class Mailbox:
    """Keeps what it is given; refuses `gone@mail.test` permanently, as a provider would."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.tls_seen: list[bool] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == "gone@mail.test":
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.tls_seen.append(server.transport.get_extra_info("ssl_object") is not None)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def _login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"letter", b"s3cret")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def servers(tmp_path: Path):
    """Two real servers: STARTTLS required on one port, implicit TLS on another; both
    require login over TLS."""
    context, ca_file = _certificate(tmp_path)
    mailbox = Mailbox()
    common = {"hostname": "127.0.0.1", "authenticator": _login, "auth_require_tls": True}
    starttls = Controller(
        mailbox, port=free_port("127.0.0.1"), tls_context=context, require_starttls=True, **common
    )
    # The whole connection is TLS from its first byte; aiosmtpd's auth_require_tls looks only
    # at STARTTLS, so it is off here.
    implicit = Controller(
        mailbox,
        port=free_port("127.0.0.1"),
        ssl_context=context,
        **{**common, "auth_require_tls": False},
    )
    starttls.start()
    implicit.start()
    try:
        yield mailbox, starttls.port, implicit.port, ca_file
    finally:
        starttls.stop()
        implicit.stop()


async def test_starttls_and_implicit_tls_with_login(servers, settings) -> None:
    mailbox, starttls_port, implicit_port, ca_file = servers
    for scheme, port in (("smtp+starttls", starttls_port), ("smtps", implicit_port)):
        server = smtp_server(f"{scheme}://letter:s3cret@127.0.0.1:{port}?ca_file={ca_file}")
        assert server is not None
        await send_test_message(settings, server, "admin@mail.test")
    assert [m["To"] for m in mailbox.messages] == ["admin@mail.test", "admin@mail.test"]
    assert mailbox.tls_seen == [True, True]
    assert "Test message" in mailbox.messages[0]["Subject"]

    wrong = SmtpServer("127.0.0.1", starttls_port, "starttls", "letter", "guess", str(ca_file))
    with pytest.raises(aiosmtplib.SMTPAuthenticationError):
        await send_test_message(settings, wrong, "admin@mail.test")
    untrusted = SmtpServer("127.0.0.1", implicit_port, "implicit", "letter", "s3cret")
    with pytest.raises((aiosmtplib.SMTPException, OSError)):
        await send_test_message(settings, untrusted, "admin@mail.test")  # unknown CA: refused
    assert len(mailbox.messages) == 2


async def test_bounce_recorded_and_address_spared_unsubscribe_listed(servers, settings) -> None:
    mailbox, starttls_port, _implicit, ca_file = servers
    server = smtp_server(
        f"smtp+starttls://letter:s3cret@127.0.0.1:{starttls_port}?ca_file={ca_file}"
    )
    assert server is not None
    owner = await create_member(settings, "amina")
    square = await create_space(settings, "square", private=False, owner=owner)
    people = {}
    for name, address in (("dario", "dario@mail.test"), ("gone", "gone@mail.test")):
        member = await create_member(settings, name)
        member.document = {**(member.document or {}), "email": address}
        await member.save(update_fields=["document"])
        await join_space(square, member)
        people[name] = member
    await actions.create_post(settings, owner, "<p>the month's news</p>", space=square)
    period = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    seen: list[tuple[int, int]] = []
    sent = await send_due_letters(
        settings, period, server, progress=lambda done, total: seen.append((done, total))
    )
    assert sent >= 1 and {m["To"] for m in mailbox.messages} == {"dario@mail.test"}
    assert seen[-1] == (3, 3) and seen[0] == (0, 3)
    gone = await Actor.get(id=people["gone"].id)
    assert gone.document["letter_bounce"]["code"] == 550
    assert not may_mail(gone)
    gone.document = {**gone.document, "email": "new@mail.test"}
    assert may_mail(gone), "a new address is tried again"

    await unsubscribe_member(people["dario"])
    rows = {(r.acct.split("@")[0], r.state) for r in await mail_statuses()}
    assert rows == {("gone", "bounced"), ("dario", "unsubscribed")}
    bounced = next(r for r in await mail_statuses() if r.state == "bounced")
    assert bounced.address == "gone@mail.test" and "550" in bounced.detail and bounced.at
