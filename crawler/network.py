"""The network rule: what the crawler discovers may not lead it into private networks.

The sources of sources.toml are trusted as written: the crawler fetches the hosts
their feeds, sitemaps and listing pages name (the host, name or address, with its
port), wherever they are, loopback included (the demo's sites are on 127.0.0.1).
Everything else reaches the crawler from pages a stranger wrote: feed and sitemap
entries, links, redirects (3xx Location) and meta refreshes. When one of those
leads to a private, loopback, link-local, multicast, reserved, unspecified or
otherwise special address (`is_special`: IPv4-mapped IPv6, 6to4 and NAT64 forms
and the odd IPv4 spellings getaddrinfo accepts, such as 2130706433, 0x7f.1 or
0177.0.0.1, included), it is not fetched, and the run summary counts it as
`private-address`. A server-side request forgery needs such a link: a metadata
service at 169.254.169.254, an admin page on 10.0.0.1, a database on [::1].

One rule (`NetworkRule`), checked twice:

- `crawler.middlewares.NetworkRuleMiddleware` reads each request's URL before
  anything is sent (robots.txt included): an address written in the URL, in any
  spelling, is judged there. Redirects and meta refreshes come back through it,
  as Scrapy schedules them as new requests.
- `NetworkRuleResolver`, Scrapy's DNS resolver (TWISTED_DNS_RESOLVER), judges the
  addresses a name resolves to, at connection time: the addresses checked are the
  ones connected to, so a name that resolves to a public address when looked at
  and to 127.0.0.1 when fetched (DNS rebinding) gains nothing. A name with any
  special address among its answers is refused whole. Scrapy reports a refused
  name as a DNS lookup error; `crawler.middlewares.RefusedAddressMiddleware`
  counts it as `private-address` instead (and before it would be retried).

HOMEWARD_ALLOW_PRIVATE_ADDRESSES=true turns the rule off, for an intranet crawled
on purpose. The HTTP proxies of the environment (http_proxy, https_proxy) are
trusted as the sources are; behind one, the proxy resolves names, so only
addresses written in URLs are checked.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingHostnameResolver
from scrapy.settings import default_settings
from twisted.internet.interfaces import IAddress, IHostResolution, IResolutionReceiver
from w3lib.url import safe_url_string
from zope.interface import implementer

from crawler.homeward_settings import read
from crawler.urls import DEFAULT_PORTS

if TYPE_CHECKING:
    from twisted.internet.base import ReactorBase

__all__ = [
    "RESOLVER_SETTING",
    "SKIPPED",
    "NetworkRule",
    "NetworkRuleResolver",
    "PrivateAddress",
    "address_literal",
    "host_port",
    "installed_rule",
    "ipv4_literal",
    "is_special",
]

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SKIPPED = "skipped/private-address"  # the stats counter (crawler.summary.SKIP_REASONS)

# Scrapy 2.19 renamed DNS_RESOLVER to TWISTED_DNS_RESOLVER; 2.13-2.18 read the old name.
RESOLVER_SETTING = (
    "TWISTED_DNS_RESOLVER" if hasattr(default_settings, "TWISTED_DNS_RESOLVER") else "DNS_RESOLVER"
)

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # IPv4 addresses reached through a NAT64 gateway
_HEX = re.compile(r"[0-9a-f]+")
_OCTAL = re.compile(r"[0-7]+")
_DECIMAL = re.compile(r"[0-9]+")


class PrivateAddress(IgnoreRequest):
    """A request refused by the network rule (already counted as `private-address`)."""


# --- the addresses ------------------------------------------------------------------


def ipv4_literal(text: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address `text` spells the way inet_aton reads it (and so getaddrinfo,
    and so the connection), or None: one to four parts, each decimal, 0x-hex or
    0-octal, the last part filling the bytes left (`127.1`, `2130706433`, `0x7f.1`,
    `0177.0.0.1`, `0x7f000001` are all 127.0.0.1). Stricter than glibc's inet_aton,
    which also takes text after a space."""
    parts = text.lower().split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        if part.startswith("0x"):
            digits, pattern, base = part[2:], _HEX, 16
        elif len(part) > 1 and part.startswith("0"):
            digits, pattern, base = part[1:], _OCTAL, 8
        else:
            digits, pattern, base = part, _DECIMAL, 10
        if not pattern.fullmatch(digits):
            return None
        values.append(int(digits, base))
    *leading, last = values
    if any(value > 0xFF for value in leading) or last >= 1 << (8 * (4 - len(leading))):
        return None
    number = last
    for index, value in enumerate(leading):
        number |= value << (8 * (3 - index))
    return ipaddress.IPv4Address(number)


def address_literal(host: str) -> IPAddress | None:
    """The IP address a URL's host is written as (brackets, a zone and the odd IPv4
    spellings allowed), or None when the host is a name."""
    host = unquote(host).strip().lower().removeprefix("[").removesuffix("]").rstrip(".")
    if not host:
        return None
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    return None if ":" in host else ipv4_literal(host)


def is_special(address: IPAddress) -> bool:
    """True for every address that is not an ordinary public one: private, loopback,
    link-local, multicast, reserved, unspecified, shared (100.64/10), documentation
    and benchmark ranges, and an IPv6 form of any of them (IPv4-mapped, 6to4, NAT64)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d connects to a.b.c.d
            return is_special(address.ipv4_mapped)
        embedded = address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if (embedded is not None and is_special(embedded)) or address.is_site_local:
            return True
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _host(text: str) -> str:
    return text.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")


def host_port(url: str) -> tuple[str, int] | None:
    """The (host, port) a URL connects to: the host lower-case and as the request spells
    it (IDNA for names), the scheme's port when none is written; None when unreadable."""
    try:
        parts = urlsplit(safe_url_string(url))
        port = parts.port
    except ValueError:
        return None
    host = _host(parts.hostname or "")
    if not host:
        return None
    return host, port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)


# --- the rule -----------------------------------------------------------------------


class NetworkRule:
    """Which (host, port) pairs are trusted, and what the checks refused.

    One per crawl process, shared by the resolver and the middlewares (see
    `installed_rule`); `allow_private` turns it off."""

    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private
        self.trusted: set[tuple[str, int]] = set()
        self.refused: dict[tuple[str, int], str] = {}  # by the resolver: the address it saw

    def trust(self, urls: Iterable[str]) -> None:
        """Trust the hosts (with their ports) of these URLs: those sources.toml lists."""
        for url in urls:
            if (key := host_port(url)) is not None:
                self.trusted.add(key)

    def check_url(self, url: str) -> str | None:
        """The special address `url` is written with, when the rule refuses it; None
        when it may go on (a trusted host, a public address, or a name: the resolver
        judges names)."""
        if self.allow_private:
            return None
        key = host_port(url)
        if key is None or key in self.trusted:
            return None
        address = address_literal(key[0])
        return str(address) if address is not None and is_special(address) else None

    def check_addresses(self, host: str, port: int, addresses: Sequence[str]) -> str | None:
        """The first special address among those `host` resolved to, when the rule refuses
        them (it is remembered for `refusal`); None when they may be connected to."""
        key = (_host(host), port)
        if self.allow_private or key in self.trusted:
            return None
        for text in addresses:
            address = address_literal(text)
            if address is None or is_special(address):
                self.refused[key] = text
                return text
        return None

    def refusal(self, url: str) -> str | None:
        """The address the resolver refused for `url`'s host and port, if it did."""
        key = host_port(url)
        return self.refused.get(key) if key is not None else None


# --- the resolver -------------------------------------------------------------------


@implementer(IResolutionReceiver)
class _CheckedResolution:
    """Receives a name's addresses and passes them on only if the rule lets them through;
    a refused name reaches the connection with no address (a DNS lookup error)."""

    def __init__(self, receiver: IResolutionReceiver, rule: NetworkRule, host: str, port: int):
        self.receiver = receiver
        self.rule = rule
        self.host = host
        self.port = port
        self.addresses: list[IAddress] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        hosts = [str(getattr(address, "host", "")) for address in self.addresses]
        refused = self.rule.check_addresses(self.host, self.port, hosts)
        if refused is None:
            for address in self.addresses:
                self.receiver.addressResolved(address)
        else:
            logger.debug(
                "network rule: %s:%s resolves to %s, a private or special address; "
                "not connecting (HOMEWARD_ALLOW_PRIVATE_ADDRESSES=true allows it)",
                self.host,
                self.port,
                refused,
            )
        self.receiver.resolutionComplete()


class NetworkRuleResolver(CachingHostnameResolver):
    """Scrapy's caching resolver (IPv4 and IPv6), whose answers pass the network rule
    before a connection is made: set as TWISTED_DNS_RESOLVER in crawler/settings.py.

    It sees every host Scrapy's HTTP download handler connects to, addresses written
    in URLs included, with the port; the cache keeps answers, the rule judges each use.
    """

    def __init__(self, reactor: ReactorBase, cache_size: int, rule: NetworkRule | None = None):
        super().__init__(reactor, cache_size)
        self.rule = rule or NetworkRule()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: ReactorBase) -> NetworkRuleResolver:
        # Built once per process (Scrapy passes its CrawlerProcess); the middleware tells
        # the rule which hosts the sources list when the spider opens.
        resolver = super().from_crawler(crawler, reactor)
        resolver.rule.allow_private = read(crawler.settings, "HOMEWARD_ALLOW_PRIVATE_ADDRESSES")
        return resolver

    def lookup_name(self, host: str) -> str:
        """The name asked of the system's resolver for `host`: `host` itself. A subclass
        may answer for some names (the tests map a public-looking name to 127.0.0.1);
        the rule still judges the host as the URL names it."""
        return host

    # Twisted's IHostnameResolver method, with its argument names.
    def resolveHostName(
        self,
        resolutionReceiver: IResolutionReceiver,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> IHostResolution:
        checked = _CheckedResolution(resolutionReceiver, self.rule, hostName, portNumber)
        return super().resolveHostName(
            checked, self.lookup_name(hostName), portNumber, addressTypes, transportSemantics
        )


def installed_rule() -> NetworkRule | None:
    """The rule of the resolver installed on the running reactor, or None when the
    resolver is another (only addresses written in URLs are checked then)."""
    # The reactor Scrapy installed; importing it at module level would install the default.
    from twisted.internet import reactor

    resolver = getattr(reactor, "nameResolver", None)
    return resolver.rule if isinstance(resolver, NetworkRuleResolver) else None
