"""The e-mail delivery: one message per digest (per saved search per run).

The SMTP server comes from the environment (`EmailSettings.from_env`):
HOMEWARD_SMTP_HOST (no host, no e-mail), HOMEWARD_SMTP_PORT (587),
HOMEWARD_SMTP_STARTTLS (on), HOMEWARD_SMTP_USER and HOMEWARD_SMTP_PASSWORD (log in
when a user is set) and HOMEWARD_SMTP_FROM (the sender; the user when that is an
address). The message is multipart/alternative, plain text and HTML; every scraped
text is escaped in the HTML and only http(s) URLs become links. A masked digest has
the tagged names of its articles as initials (`search/masking.py`), in the subject
too. Any failure is a `DeliveryError` naming the server, never the password.
"""

from __future__ import annotations

import html
import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import urlsplit

from alerts.digest import DeliveryError, Digest
from homeward.article import Article
from search.masking import mask_article, mask_text

HOST_ENV = "HOMEWARD_SMTP_HOST"
PORT_ENV = "HOMEWARD_SMTP_PORT"
STARTTLS_ENV = "HOMEWARD_SMTP_STARTTLS"
USER_ENV = "HOMEWARD_SMTP_USER"
PASSWORD_ENV = "HOMEWARD_SMTP_PASSWORD"  # noqa: S105 (the variable's name, not a password)
FROM_ENV = "HOMEWARD_SMTP_FROM"

DEFAULT_PORT = 587
EXCERPT_CHARS = 280
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# One address, without the line breaks that would let it add headers.
_ADDRESS = re.compile(r"[^\s@<>,;\"]+@[^\s@<>,;\"]+")


class EmailSettingsError(ValueError):
    """A HOMEWARD_SMTP_ variable with a value that cannot work; the message names it."""


@dataclass(frozen=True)
class EmailSettings:
    host: str
    sender: str
    port: int = DEFAULT_PORT
    starttls: bool = True
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> EmailSettings | None:
        """The settings from HOMEWARD_SMTP_*; None when no host is set (no e-mail)."""
        env = os.environ if environ is None else environ
        host = env.get(HOST_ENV, "").strip()
        if not host:
            return None
        if any(c.isspace() for c in host) or "/" in host:
            raise EmailSettingsError(f"{HOST_ENV}={host!r} is not a host name")
        port = _port(env.get(PORT_ENV, "").strip())
        starttls = _switch(STARTTLS_ENV, env.get(STARTTLS_ENV, "").strip(), default=True)
        user = env.get(USER_ENV, "").strip() or None
        password = env.get(PASSWORD_ENV) or None
        if user and not password:
            raise EmailSettingsError(f"{USER_ENV} is set but {PASSWORD_ENV} is not")
        if password and not user:
            raise EmailSettingsError(f"{PASSWORD_ENV} is set but {USER_ENV} is not")
        sender = env.get(FROM_ENV, "").strip()
        if not sender:
            if user and _ADDRESS.fullmatch(user):
                sender = user
            else:
                raise EmailSettingsError(
                    f"{FROM_ENV} is not set: the address alerts are sent from "
                    f"(e.g. homeward@example.org)"
                )
        elif "\n" in sender or "\r" in sender or not _ADDRESS.fullmatch(parseaddr(sender)[1]):
            raise EmailSettingsError(
                f"{FROM_ENV}={sender!r} is not one e-mail address "
                "(e.g. homeward@example.org or Homeward <homeward@example.org>)"
            )
        return cls(
            host=host, port=port, starttls=starttls, user=user, password=password, sender=sender
        )


def _port(value: str) -> int:
    if not value:
        return DEFAULT_PORT
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise EmailSettingsError(f"{PORT_ENV}={value!r} is not a port (a number 1-65535)")
    return int(value)


def _switch(name: str, value: str, default: bool) -> bool:
    if not value:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise EmailSettingsError(f"{name}={value!r}: use on or off (true/false, 1/0, yes/no)")


# --- the message ------------------------------------------------------------------------


def is_web_url(url: str | None) -> bool:
    """Only http(s) URLs with a host become links (no javascript:, data:, file:)."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def shown_articles(digest: Digest) -> tuple[list[Article], str, str]:
    """The articles, watch name and query as sent: with names as initials when masked.
    Every article is masked with every name tagged in the digest (eager, as exports are)."""
    if not digest.masked:
        return list(digest.articles), digest.watch_name, digest.query
    names = sorted({name for article in digest.articles for name in article.names})
    articles = [mask_article(article, names) for article in digest.articles]
    return articles, mask_text(digest.watch_name, names), mask_text(digest.query, names)


def subject_of(count: int, watch_name: str) -> str:
    noun = "article" if count == 1 else "articles"
    name = " ".join(watch_name.split())  # no line break can reach a header
    return f'Homeward: {count} new {noun} for "{name}"'


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(" ,;:.") + "…"


def _date(article: Article) -> str:
    return article.published[:10] if article.published else "date unknown"


def _source(article: Article) -> str:
    return article.source or article.site_name or urlsplit(article.url).netloc or "unknown"


def plain_body(digest: Digest, articles: list[Article], name: str, query: str) -> str:
    lines = [subject_of(len(articles), name)[len("Homeward: ") :], f"Saved search: {query}", ""]
    for number, article in enumerate(articles, start=1):
        lines.append(f"{number}. {' '.join(article.title.split())}")
        lines.append(f"   {_source(article)} · {_date(article)}")
        if is_web_url(article.url):
            lines.append(f"   {article.url}")
        lines.append(f"   {excerpt(article.text)}")
        lines.append("")
    if is_web_url(digest.feed_url):
        lines.append(f"Feed of this saved search: {digest.feed_url}")
    if digest.masked:
        lines.append("Names are shown as initials; a link may still carry a name.")
    lines.append("-- ")
    lines.append("Sent by Homeward for a saved search.")
    return "\n".join(lines) + "\n"


def html_body(digest: Digest, articles: list[Article], name: str, query: str) -> str:
    def e(text: str) -> str:
        return html.escape(text, quote=True)

    items = []
    for article in articles:
        title = e(" ".join(article.title.split()))
        if is_web_url(article.url):
            title = f'<a href="{e(article.url)}">{title}</a>'
        items.append(
            f"<li><p><strong>{title}</strong><br>\n"
            f"<small>{e(_source(article))} · {e(_date(article))}</small></p>\n"
            f"<p>{e(excerpt(article.text))}</p></li>"
        )
    footer = []
    if is_web_url(digest.feed_url):
        footer.append(f'<p><a href="{e(digest.feed_url or "")}">Feed of this saved search</a></p>')
    if digest.masked:
        footer.append("<p>Names are shown as initials; a link may still carry a name.</p>")
    heading = e(subject_of(len(articles), name)[len("Homeward: ") :])
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{heading}</title></head>\n<body>\n"
        f"<h1>{heading}</h1>\n<p>Saved search: <code>{e(query)}</code></p>\n"
        "<ol>\n" + "\n".join(items) + "\n</ol>\n" + "\n".join(footer) + "\n"
        "<p><small>Sent by Homeward for a saved search.</small></p>\n</body></html>\n"
    )


def build_message(digest: Digest, to: list[str], sender: str) -> EmailMessage:
    """The message for one digest: plain text and HTML alternatives."""
    articles, name, query = shown_articles(digest)
    message = EmailMessage()
    message["Subject"] = subject_of(len(articles), name)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    message.set_content(plain_body(digest, articles, name, query))
    message.add_alternative(html_body(digest, articles, name, query), subtype="html")
    return message


# --- sending ----------------------------------------------------------------------------


def send_digest(digest: Digest, to: list[str], settings: EmailSettings) -> None:
    """Send one message for `digest` to `to`; a digest without articles sends nothing.

    DeliveryError when no recipient is valid or the server cannot be reached, refuses
    the login or the message; it names host:port and the reason, never the password.
    A message accepted for some recipients and refused for others is delivered (a
    retry would send it twice to the rest): the refused ones are in the message of the
    DeliveryError only when every recipient was refused.
    """
    if not digest.articles:
        return
    recipients = [address.strip() for address in to if address and address.strip()]
    bad = [address for address in recipients if not _ADDRESS.fullmatch(address)]
    if not recipients or bad:
        shown = ", ".join(repr(address) for address in bad) or "none given"
        raise DeliveryError(f"e-mail for watch {digest.watch_id!r}: bad recipient(s): {shown}")
    message = build_message(digest, recipients, settings.sender)
    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message, from_addr=parseaddr(settings.sender)[1], to_addrs=recipients)
    except (smtplib.SMTPException, OSError) as error:
        reason = _reason(error)
        if settings.password:
            reason = reason.replace(settings.password, "***")
        raise DeliveryError(f"e-mail via SMTP server {where} failed: {reason}") from None


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({code})" for address, (code, _) in error.recipients.items()
        )
        return f"every recipient refused: {refused}"
    if isinstance(error, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(error).upper():
        return f"{error} (set {STARTTLS_ENV}=off for a server without it)"
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{error.smtp_code} {text}".strip()
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return f"TLS failed: {error}"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):
        return "timed out"
    return str(error) or type(error).__name__
