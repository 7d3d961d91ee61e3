"""URL canonicalisation and the article-or-navigation guess for links.

One canonical URL is one article (`homeward.article.article_id` hashes it), so
every URL the crawler meets passes through `canonical_url` before it is
requested, remembered or stored: the same story shared with `?utm_source=…`,
`#comments` or `?fbclid=…` must not become a second record, nor a second fetch.

`looks_like_article` decides which links on a listing page are worth a request.
It is a heuristic (courlan's navigation filter plus the shapes news sites give
their story URLs); a wrong "yes" costs one fetch that extraction then rejects,
a wrong "no" costs a missed article, so it leans towards "yes".
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import courlan

__all__ = [
    "TRACKING_PARAMETERS",
    "canonical_url",
    "is_http_url",
    "is_tracking_parameter",
    "join_url",
    "looks_like_article",
    "same_site",
    "site_key",
]

# Query parameters that identify a campaign, a click or a sharer, never the page.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "ref_src",
        "ref_url",
        "cmpid",
        "cmp",
        "ocid",
        "smid",
        "smtyp",
        "ito",
        "wt.mc_id",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "spm",
        "scm",
        "isappinstalled",
        "share_token",
        "sharer_shareid",
        "sharer_sharetime",
        "from_share",
        "shareid",
        "share_from",
        "rss",
        "feature",
        "xtor",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmsr", "__twitter")

DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host and, if it names one, a port that
    exists (1-65535): what sources.toml must contain."""
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError when out of range or not a number
    except ValueError:
        return False
    if port is not None and port < 1:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


def canonical_url(url: str) -> str:
    """The one spelling of `url` Homeward stores: lower-case scheme and host, no
    default port, no fragment, no tracking parameters, remaining query sorted.

    The path keeps its case and trailing slash: servers tell `/A` from `/a`.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    ]
    query.sort()
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def join_url(base: str, href: str) -> str | None:
    """`href` resolved against `base` and canonicalised; None for mailto:, javascript: …"""
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        absolute = urljoin(base, href)
    except ValueError:
        return None
    return canonical_url(absolute) if is_http_url(absolute) else None


def site_key(url: str) -> str:
    """What "the same site" compares: host and port, without a leading `www.` or `m.`."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    try:
        port = parts.port
    except ValueError:
        port = None
    return host if port is None or DEFAULT_PORTS.get(parts.scheme) == port else f"{host}:{port}"


def same_site(first: str, second: str) -> bool:
    return site_key(first) == site_key(second)


# Story URLs usually carry a date, a long number or a long slug, or end in .html.
_DATE_IN_PATH = re.compile(r"/(19|20)\d{2}[/-]?(0[1-9]|1[0-2])([/-]?\d{2})?(/|\b)")
_LONG_NUMBER = re.compile(r"\d{5,}")
_SLUG = re.compile(r"/[^/]*[a-z0-9]+(-[a-z0-9]+){3,}[^/]*/?$", re.IGNORECASE)
_PAGE_SUFFIX = re.compile(r"\.s?html?$|\.php$|\.aspx?$", re.IGNORECASE)
_NOT_ARTICLE = re.compile(
    r"/(index|default|home)\.s?html?$|/(rss|feed|atom|sitemap|search|login|signin|register|"
    r"subscribe|newsletter|about|contact|privacy|terms|cookies?|advertis\w*|account|"
    r"video|videos|live|podcasts?|gallery|photos|authors?)(/|$|\.)",
    re.IGNORECASE,
)
_FILE_SUFFIX = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|pdf|zip|mp[34]|avi|mov|css|js|json|xml|rss|ico|woff2?)$",
    re.IGNORECASE,
)


def looks_like_article(url: str) -> bool:
    """Guess whether a same-site link from a listing page leads to an article."""
    path = urlsplit(url).path
    if not path or path == "/" or _FILE_SUFFIX.search(path) or _NOT_ARTICLE.search(path):
        return False
    if courlan.is_navigation_page(url) or courlan.is_not_crawlable(url):
        return False
    return bool(
        _DATE_IN_PATH.search(path)
        or _LONG_NUMBER.search(path)
        or _SLUG.search(path)
        or (_PAGE_SUFFIX.search(path) and path.count("/") >= 2)
    )
