"""The push deliveries of saved searches: e-mail through a real local SMTP server
(aiosmtpd, with and without STARTTLS) and the signed webhook against a local HTTP server."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import hmac
import ipaddress
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from alerts.digest import DeliveryError, Digest
from alerts.email import EmailSettings, EmailSettingsError, send_digest
from alerts.webhook import post_digest, verify, webhook_secret_from_env
from homeward.article import Article, read_jsonl

SAMPLE = Path(__file__).parent / "data" / "sample_articles.jsonl"
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_RECORD = {
    "url": "https://hostile.test/story?x=<script>&y=\"'",
    "title": f"{HOSTILE} trafficking ring <script>alert(2)</script>",
    "text": "<script>alert(3)</script> Police said the ring sold children.",
    "language": "en",
    "published": "2025-03-01",
    "source": '"><script>alert(5)</script>',
}
USER, PASSWORD = "alerts@example.org", "s3cret-pass-word"


def sample() -> list[Article]:
    with SAMPLE.open(encoding="utf-8") as lines:
        return list(read_jsonl(lines))


def digest(articles: list[Article], name: str = "Wang Min", masked: bool = False) -> Digest:
    return Digest(
        watch_id="w1",
        watch_name=name,
        query=f'"{name}" place:Shanxi',
        articles=tuple(articles),
        masked=masked,
        feed_url="https://homeward.example/watches/w1/feed.xml",
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- a real SMTP server ------------------------------------------------------------------


@dataclass
class Mailbox:
    port: int
    envelopes: list = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        self.tls.append(session.ssl is not None)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=(login, password) == (USER, PASSWORD), handled=False)

    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(envelope.content, policy=email.policy.default)
            for envelope in self.envelopes
        ]


def start_smtp(**options) -> tuple[Controller, Mailbox]:
    box = Mailbox(port=free_port())
    controller = Controller(
        box, hostname="127.0.0.1", port=box.port, authenticator=box.authenticate, **options
    )
    controller.start()
    return controller, box


@pytest.fixture
def plain_smtp() -> Iterator[Mailbox]:
    """An SMTP server without TLS that also takes a login in the clear (a local relay)."""
    controller, box = start_smtp(auth_require_tls=False)
    yield box
    controller.stop()


@pytest.fixture
def tls_smtp(tmp_path, monkeypatch) -> Iterator[Mailbox]:
    """An SMTP server that requires STARTTLS before anything, with a self-signed
    certificate for 127.0.0.1 the client trusts through SSL_CERT_FILE."""
    ssl = pytest.importorskip("ssl")
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    controller, box = start_smtp(tls_context=context, require_starttls=True)
    yield box
    controller.stop()


def self_signed(folder: Path) -> tuple[Path, Path]:
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
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
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def smtp_env(monkeypatch, port: int, starttls: str, login: bool = True) -> None:
    for name in ("USER", "PASSWORD", "FROM"):
        monkeypatch.delenv(f"HOMEWARD_SMTP_{name}", raising=False)
    monkeypatch.setenv("HOMEWARD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HOMEWARD_SMTP_PORT", str(port))
    monkeypatch.setenv("HOMEWARD_SMTP_STARTTLS", starttls)
    monkeypatch.setenv("HOMEWARD_SMTP_FROM", "Homeward <homeward@example.org>")
    if login:
        monkeypatch.setenv("HOMEWARD_SMTP_USER", USER)
        monkeypatch.setenv("HOMEWARD_SMTP_PASSWORD", PASSWORD)


# --- e-mail ------------------------------------------------------------------------------


def test_smtp_settings_come_from_the_environment_and_send_over_starttls_with_login(
    tls_smtp, monkeypatch
):
    smtp_env(monkeypatch, tls_smtp.port, starttls="on")
    settings = EmailSettings.from_env()
    assert settings is not None and settings.starttls and settings.user == USER
    assert PASSWORD not in repr(settings)
    articles = sample()
    send_digest(digest(articles[:3]), ["a@example.org", "b@example.org"], settings)
    send_digest(digest(articles[3:4], name="Liu Sirui"), ["a@example.org"], settings)

    assert len(tls_smtp.envelopes) == 2, "one message per digest"
    assert tls_smtp.tls == [True, True]
    assert tls_smtp.logins == [(USER, PASSWORD), (USER, PASSWORD)]
    first, second = tls_smtp.messages()
    assert first["Subject"] == 'Homeward: 3 new articles for "Wang Min"'
    assert second["Subject"] == 'Homeward: 1 new article for "Liu Sirui"'
    assert tls_smtp.envelopes[0].mail_from == "homeward@example.org"
    assert tls_smtp.envelopes[0].rcpt_tos == ["a@example.org", "b@example.org"]


def test_starttls_off_sends_one_message_with_both_parts_and_scraped_text_escaped(
    plain_smtp, monkeypatch
):
    smtp_env(monkeypatch, plain_smtp.port, starttls="off", login=False)
    settings = EmailSettings.from_env()
    assert settings is not None and not settings.starttls and settings.user is None
    hostile = Article.from_dict(HOSTILE_RECORD)
    bad_link = Article.from_dict(
        {"url": "javascript:alert(9)", "title": "Not a link", "text": "Body text here."}
    )
    articles = [hostile, *sample()[:2], bad_link]
    send_digest(digest(articles), ["editor@example.org"], settings)

    assert len(plain_smtp.envelopes) == 1
    assert plain_smtp.tls == [False] and plain_smtp.logins == []
    envelope = plain_smtp.envelopes[0]
    assert envelope.rcpt_tos == ["editor@example.org"]
    message = plain_smtp.messages()[0]
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == 'Homeward: 4 new articles for "Wang Min"'
    assert message["To"] == "editor@example.org"
    assert message["From"] == "Homeward <homeward@example.org>"
    plain = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()

    assert HOSTILE in plain  # text is text: shown as written
    assert HOSTILE not in page and "<script>" not in page and "onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;" in page  # the source
    assert 'href="https://hostile.test/story?x=&lt;script&gt;&amp;y=&quot;&#x27;"' in page
    for article in sample()[:2]:
        assert f'<a href="{article.url}">' in page
        assert article.source in page and article.published[:10] in page
        assert article.text.split()[0] in page  # the excerpt
    assert "javascript:" not in page and "Not a link" in page
    assert "https://homeward.example/watches/w1/feed.xml" in page


def test_a_masked_digest_has_the_tagged_names_as_initials(plain_smtp, monkeypatch):
    smtp_env(monkeypatch, plain_smtp.port, starttls="off", login=False)
    shanxi = sample()[0]
    assert "Liu Sirui" in shanxi.names
    send_digest(
        digest([shanxi], name="Liu Sirui", masked=True), ["a@example.org"], EmailSettings.from_env()
    )
    message = plain_smtp.messages()[0]
    assert message["Subject"] == 'Homeward: 1 new article for "L. S."'
    for part in ("plain", "html"):
        body = message.get_body((part,)).get_content()
        assert "Liu Sirui" not in body and "Zhang Hua" not in body
        assert "L. S." in body


def test_a_refused_connection_is_a_delivery_error_naming_host_and_port(monkeypatch):
    port = free_port()  # nothing listens there
    smtp_env(monkeypatch, port, starttls="on")
    with pytest.raises(DeliveryError) as caught:
        send_digest(digest(sample()[:1]), ["a@example.org"], EmailSettings.from_env())
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "refused" in str(caught.value)
    assert PASSWORD not in str(caught.value)


def test_starttls_against_a_server_without_it_says_how_to_turn_it_off(plain_smtp, monkeypatch):
    smtp_env(monkeypatch, plain_smtp.port, starttls="on")
    with pytest.raises(DeliveryError, match="HOMEWARD_SMTP_STARTTLS=off"):
        send_digest(digest(sample()[:1]), ["a@example.org"], EmailSettings.from_env())
    assert plain_smtp.envelopes == []


def test_a_refused_login_names_the_server_and_never_the_password(plain_smtp, monkeypatch):
    smtp_env(monkeypatch, plain_smtp.port, starttls="off")
    monkeypatch.setenv("HOMEWARD_SMTP_PASSWORD", "wrong-" + PASSWORD)
    with pytest.raises(DeliveryError) as caught:
        send_digest(digest(sample()[:1]), ["a@example.org"], EmailSettings.from_env())
    message = str(caught.value)
    assert f"127.0.0.1:{plain_smtp.port}" in message and "535" in message
    assert PASSWORD not in message
    assert plain_smtp.envelopes == []


def test_empty_digests_and_bad_recipients_send_nothing(plain_smtp, monkeypatch):
    smtp_env(monkeypatch, plain_smtp.port, starttls="off", login=False)
    settings = EmailSettings.from_env()
    send_digest(digest([]), ["a@example.org"], settings)
    with pytest.raises(DeliveryError, match="bad recipient"):
        send_digest(digest(sample()[:1]), ["a@example.org\r\nBcc: x@evil.test"], settings)
    with pytest.raises(DeliveryError, match="none given"):
        send_digest(digest(sample()[:1]), [], settings)
    assert plain_smtp.envelopes == []


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"HOMEWARD_SMTP_PORT": "smtp"}, "HOMEWARD_SMTP_PORT"),
        ({"HOMEWARD_SMTP_PORT": "70000"}, "HOMEWARD_SMTP_PORT"),
        ({"HOMEWARD_SMTP_STARTTLS": "maybe"}, "HOMEWARD_SMTP_STARTTLS"),
        ({"HOMEWARD_SMTP_USER": "bob"}, "HOMEWARD_SMTP_PASSWORD"),
        ({"HOMEWARD_SMTP_PASSWORD": "pw"}, "HOMEWARD_SMTP_USER"),
        ({"HOMEWARD_SMTP_FROM": ""}, "HOMEWARD_SMTP_FROM"),
        ({"HOMEWARD_SMTP_FROM": "a@b.org\nBcc: c@d.org"}, "HOMEWARD_SMTP_FROM"),
    ],
)
def test_bad_smtp_settings_name_the_variable(env, named):
    base = {"HOMEWARD_SMTP_HOST": "mail.example.org", "HOMEWARD_SMTP_FROM": "h@example.org"}
    with pytest.raises(EmailSettingsError, match=named):
        EmailSettings.from_env({**base, **env})


def test_no_smtp_host_means_no_email():
    assert EmailSettings.from_env({"HOMEWARD_SMTP_PORT": "25"}) is None
    settings = EmailSettings.from_env(
        {
            "HOMEWARD_SMTP_HOST": "mail.example.org",
            "HOMEWARD_SMTP_USER": USER,
            "HOMEWARD_SMTP_PASSWORD": PASSWORD,
        }
    )
    assert settings is not None
    assert (settings.port, settings.starttls, settings.sender) == (587, True, USER)


# --- webhook -----------------------------------------------------------------------------


@dataclass
class Receiver:
    url: str
    statuses: list[int]  # answered in turn; the last one then for ever
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="", statuses=[200])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers.items()), body))
            status = state.statuses.pop(0) if len(state.statuses) > 1 else state.statuses[0]
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/T0KEN-IN-PATH"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_webhook_posts_one_json_body_signed_with_the_secret(receiver, monkeypatch):
    monkeypatch.setenv("HOMEWARD_WEBHOOK_SECRET", "webhook-secret")
    secret = webhook_secret_from_env()
    articles = sample()[:2]
    post_digest(digest(articles), receiver.url, secret)

    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(body) == {
        "watch": {
            "id": "w1",
            "name": "Wang Min",
            "query": '"Wang Min" place:Shanxi',
            "feed_url": "https://homeward.example/watches/w1/feed.xml",
        },
        "masked": False,
        "articles": [
            {
                "id": a.id,
                "url": a.url,
                "title": a.title,
                "source": a.source,
                "published": a.published,
                "language": a.language,
            }
            for a in articles
        ],
    }
    # The receiver's check, as the README gives it.
    timestamp, signature = headers["X-Homeward-Timestamp"], headers["X-Homeward-Signature"]
    expected = hmac.new(b"webhook-secret", timestamp.encode() + b"." + body, hashlib.sha256)
    assert hmac.compare_digest("sha256=" + expected.hexdigest(), signature)
    assert verify(body, timestamp, signature, "webhook-secret")
    assert not verify(body, timestamp, signature, "another-secret")
    assert not verify(body + b" ", timestamp, signature, "webhook-secret")
    assert not verify(body, str(int(timestamp) - 3600), signature, "webhook-secret")


def test_without_a_secret_the_webhook_is_unsigned(receiver, monkeypatch):
    monkeypatch.delenv("HOMEWARD_WEBHOOK_SECRET", raising=False)
    post_digest(digest(sample()[:1]), receiver.url, webhook_secret_from_env())
    headers, _ = receiver.received[0]
    assert "X-Homeward-Signature" not in headers and "X-Homeward-Timestamp" in headers


def test_a_masked_digest_posts_initials(receiver):
    post_digest(digest(sample()[:1], name="Liu Sirui", masked=True), receiver.url, None)
    body = receiver.received[0][1].decode()
    assert "Liu Sirui" not in body and json.loads(body)["watch"]["name"] == "L. S."


def test_two_500s_then_200_is_delivered_on_the_third_attempt(receiver):
    receiver.statuses = [500, 503, 200]
    waits: list[float] = []
    post_digest(digest(sample()[:1]), receiver.url, "s", backoff=0.5, sleep=waits.append)
    assert len(receiver.received) == 3
    assert waits == [0.5, 1.0]


def test_always_500_fails_after_three_attempts(receiver):
    receiver.statuses = [500]
    with pytest.raises(DeliveryError) as caught:
        post_digest(digest(sample()[:1]), receiver.url, "s", sleep=lambda _: None)
    assert len(receiver.received) == 3
    message = str(caught.value)
    assert "after 3 attempt(s)" in message and "HTTP 500" in message
    assert "T0KEN-IN-PATH" not in message  # a webhook's path may be its secret


@pytest.mark.parametrize("status", [400, 302])
def test_a_4xx_or_redirect_fails_at_once(receiver, status):
    receiver.statuses = [status]
    with pytest.raises(DeliveryError, match=f"HTTP {status}.*not retried"):
        post_digest(digest(sample()[:1]), receiver.url, "s", sleep=lambda _: None)
    assert len(receiver.received) == 1


def test_an_unreachable_webhook_is_retried_then_fails():
    waits: list[float] = []
    url = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(DeliveryError, match="after 3 attempt"):
        post_digest(digest(sample()[:1]), url, None, timeout=2, sleep=waits.append)
    assert waits == [1.0, 2.0]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x", "http://"]
)
def test_only_http_webhook_urls_are_posted_to(url):
    with pytest.raises(DeliveryError, match="http:// or https://"):
        post_digest(digest(sample()[:1]), url, None, sleep=lambda _: None)


def test_a_line_break_in_a_watch_name_cannot_add_a_header(plain_smtp, monkeypatch):
    smtp_env(monkeypatch, plain_smtp.port, starttls="off", login=False)
    name = "Wang Min\r\nBcc: spy@evil.test"
    send_digest(digest(sample()[:1], name=name), ["a@example.org"], EmailSettings.from_env())
    message = plain_smtp.messages()[0]
    assert message["Bcc"] is None
    assert message["Subject"] == 'Homeward: 1 new article for "Wang Min Bcc: spy@evil.test"'
    assert plain_smtp.envelopes[0].rcpt_tos == ["a@example.org"]
