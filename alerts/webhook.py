"""The webhook delivery: one JSON POST per digest, signed when a secret is set.

The body (UTF-8 JSON)::

    {"watch": {"id": …, "name": …, "query": …, "feed_url": … or null},
     "masked": true/false,
     "articles": [{"id", "url", "title", "source", "published", "language"}, …]}

Headers: `X-Homeward-Timestamp` (seconds since the epoch) on every request and, with
a secret (HOMEWARD_WEBHOOK_SECRET), `X-Homeward-Signature: sha256=<hex>`, the
HMAC-SHA256 of `<timestamp>.<body>` with the secret. The receiver recomputes it,
compares in constant time and refuses an old timestamp, so a captured request cannot
be replayed later. Connection errors, timeouts, 5xx and 429 are tried again with
back-off; any other answer that is not 2xx (redirects included: a POST is not
followed elsewhere) fails at once. Failure is a `DeliveryError` naming the host only
(a webhook's path often holds its own secret).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from alerts.digest import DeliveryError, Digest
from alerts.email import is_web_url, shown_articles

SECRET_ENV = "HOMEWARD_WEBHOOK_SECRET"  # noqa: S105 (the variable's name)
SIGNATURE_HEADER = "X-Homeward-Signature"
TIMESTAMP_HEADER = "X-Homeward-Timestamp"
RETRY_STATUSES = frozenset({429}) | frozenset(range(500, 600))
USER_AGENT = "Homeward-webhook/1"


def webhook_secret_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """HOMEWARD_WEBHOOK_SECRET, or None when unset or empty (requests go unsigned)."""
    env = os.environ if environ is None else environ
    return env.get(SECRET_ENV) or None


def check_webhook_url(url: str) -> str:
    """The URL when it is http(s) with a host; ValueError saying why not."""
    if not is_web_url(url):
        raise ValueError(f"a webhook URL must be http:// or https:// with a host, not {url!r}")
    return url


def payload(digest: Digest) -> dict[str, Any]:
    """What the POST carries (names as initials when the digest is masked)."""
    articles, name, query = shown_articles(digest)
    return {
        "watch": {
            "id": digest.watch_id,
            "name": name,
            "query": query,
            "feed_url": digest.feed_url,
        },
        "masked": digest.masked,
        "articles": [
            {
                "id": article.id,
                "url": article.url,
                "title": article.title,
                "source": article.source,
                "published": article.published,
                "language": article.language,
            }
            for article in articles
        ],
    }


def sign(body: bytes, timestamp: str, secret: str) -> str:
    """The X-Homeward-Signature value: sha256=HMAC(secret, "<timestamp>." + body)."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(body: bytes, timestamp: str, signature: str, secret: str, max_age: float = 300) -> bool:
    """What a receiver does (written here for tests and Python receivers)."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= max_age
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(body, timestamp, secret), signature)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "?"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def post_digest(
    digest: Digest,
    url: str,
    secret: str | None,
    attempts: int = 3,
    timeout: float = 10,
    *,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """POST `digest` as JSON to `url`; DeliveryError after the last failed attempt.

    Between attempts it waits `backoff`, then twice that, and so on. A timestamp
    header is always sent and signed along with the body when `secret` is set.
    """
    try:
        check_webhook_url(url)
    except ValueError as error:
        raise DeliveryError(str(error)) from None
    body = json.dumps(payload(digest), ensure_ascii=False).encode("utf-8")
    where = _origin(url)
    last = "no attempt made"
    for attempt in range(1, max(1, attempts) + 1):
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            TIMESTAMP_HEADER: timestamp,
        }
        if secret:
            headers[SIGNATURE_HEADER] = sign(body, timestamp, secret)
        try:
            response = requests.post(
                url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            )
        except requests.RequestException as error:
            last = f"{type(error).__name__}: connection failed or timed out"
        else:
            response.close()
            if 200 <= response.status_code < 300:
                return
            last = f"HTTP {response.status_code} {response.reason or ''}".strip()
            if response.status_code not in RETRY_STATUSES:
                raise DeliveryError(
                    f"webhook {where} refused the delivery for watch {digest.watch_id!r}: "
                    f"{last} (not retried)"
                )
        if attempt < attempts:
            sleep(backoff * 2 ** (attempt - 1))
    raise DeliveryError(
        f"webhook {where} failed for watch {digest.watch_id!r} after {max(1, attempts)} "
        f"attempt(s): {last}"
    )
