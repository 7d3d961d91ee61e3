"""The network rule (crawler/network.py): discovered URLs do not lead into private networks.

The address tests judge many spellings of the same few addresses. The crawl tests
run real crawls (crawler.run, in a child process) of tests/mockserver.py, whose two
sites are both on 127.0.0.1: sources.toml lists site `a` only, so site `b`, on
another port, is a host nobody listed. A feed on `a` lists entries that lead to `b`
in every spelling, and under a public-looking name (news.example.test) that the
test's resolver (tests/hosts_resolver.py) answers with 127.0.0.1, as a stranger's
DNS could; pages on `a` redirect and meta-refresh there too. Every request stays on
127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from test_crawl import FAST, MockServer

from crawler.network import (
    RESOLVER_SETTING,
    NetworkRule,
    address_literal,
    ipv4_literal,
    is_special,
)
from crawler.run import run_crawl
from crawler.summary import SKIP_REASONS, format_summary
from crawler.urls import canonical_url, join_url
from homeward.paths import archive_state_dir
from search.open import open_archive

# --- the addresses --------------------------------------------------------------------

SPECIAL = {
    # loopback, in the spellings getaddrinfo accepts
    "127.0.0.1": "127.0.0.1",
    "2130706433": "127.0.0.1",
    "0x7f.1": "127.0.0.1",
    "0x7F.0.0.1": "127.0.0.1",
    "0177.0.0.1": "127.0.0.1",
    "127.1": "127.0.0.1",
    "127.0.1": "127.0.0.1",
    "0x7f000001": "127.0.0.1",
    "017700000001": "127.0.0.1",
    "127.0.0.1.": "127.0.0.1",
    "127.255.255.254": "127.255.255.254",
    "::1": "::1",
    "[::1]": "::1",
    "[::ffff:127.0.0.1]": "::ffff:7f00:1",
    "::ffff:7f00:1": "::ffff:7f00:1",
    "::127.0.0.1": "::7f00:1",  # IPv4-compatible (deprecated)
    # cloud metadata and link-local
    "169.254.169.254": "169.254.169.254",
    "0xa9fea9fe": "169.254.169.254",
    "2852039166": "169.254.169.254",
    "0251.0376.0251.0376": "169.254.169.254",
    "[::ffff:169.254.169.254]": "::ffff:a9fe:a9fe",
    "64:ff9b::a9fe:a9fe": "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "fe80::1": "fe80::1",
    "fe80::1%25eth0": "fe80::1%eth0",
    # private networks
    "10.0.0.1": "10.0.0.1",
    "012.0.0.1": "10.0.0.1",
    "172.16.0.1": "172.16.0.1",
    "192.168.1.1": "192.168.1.1",
    "100.64.0.1": "100.64.0.1",  # carrier-grade NAT
    "fc00::1": "fc00::1",
    "fd12:3456::1": "fd12:3456::1",
    "fec0::1": "fec0::1",  # site-local
    "2002:a00:1::": "2002:a00:1::",  # 6to4 of 10.0.0.1
    # unspecified, multicast, broadcast, reserved, documentation
    "0.0.0.0": "0.0.0.0",
    "0": "0.0.0.0",
    "00": "0.0.0.0",
    "[::]": "::",
    "224.0.0.1": "224.0.0.1",
    "239.255.255.250": "239.255.255.250",
    "ff02::1": "ff02::1",
    "255.255.255.255": "255.255.255.255",
    "0xffffffff": "255.255.255.255",
    "240.0.0.1": "240.0.0.1",
    "192.0.2.1": "192.0.2.1",
    "198.18.0.1": "198.18.0.1",
}
PUBLIC = {
    "8.8.8.8": "8.8.8.8",
    "134744072": "8.8.8.8",
    "0x8.0x8.0x8.0x8": "8.8.8.8",
    "010.010.010.010": "8.8.8.8",
    "1.1.1.1": "1.1.1.1",
    "93.184.216.34": "93.184.216.34",
    "[2606:4700:4700::1111]": "2606:4700:4700::1111",
    "2001:4860:4860::8888": "2001:4860:4860::8888",
    "::ffff:8.8.8.8": "::ffff:808:808",
}
NAMES = [
    "news.example.test",
    "localhost",
    "127.0.0.1.nip.io",
    "1.2.3.4 x",  # glibc's inet_aton takes this; getaddrinfo does not
    "08.0.0.1",  # not octal
    "1.2.3.256",
    "4294967296",
    "0x",
    "1..2",
    "",
]


@pytest.mark.parametrize(("host", "address"), SPECIAL.items())
def test_special_addresses_in_every_spelling(host: str, address: str) -> None:
    found = address_literal(host)
    assert found is not None and str(found) == address
    assert is_special(found), f"{host} ({found}) must be refused"


@pytest.mark.parametrize(("host", "address"), PUBLIC.items())
def test_public_addresses_are_allowed(host: str, address: str) -> None:
    found = address_literal(host)
    assert found is not None and str(found) == address
    assert not is_special(found)


@pytest.mark.parametrize("host", NAMES)
def test_names_are_not_addresses(host: str) -> None:
    assert address_literal(host) is None


def test_ipv4_spellings_read_as_inet_aton_reads_them() -> None:
    """The parser agrees with the C library on every spelling it takes (and refuses what
    getaddrinfo would refuse), so no spelling reaches an address the rule did not see."""
    spellings = [h for h in [*SPECIAL, *PUBLIC, *NAMES] if h and ":" not in h and " " not in h]
    spellings += ["1.65536", "1.2.65535", "0x1.0x2.0x3.0x4", "1.2.3.4.5", "0x100.0.0.1"]
    for text in spellings:
        text = text.rstrip(".")
        try:
            expected = ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            expected = None
        assert ipv4_literal(text) == expected, text


def test_the_rule_trusts_exactly_the_listed_hosts_and_ports() -> None:
    rule = NetworkRule()
    rule.trust(["http://127.0.0.1:8000/feed.xml", "http://localhost:8001/", "https://[::1]/"])
    assert rule.check_url("http://127.0.0.1:8000/news/1.html") is None  # listed
    assert rule.check_url("https://[::1]:443/x") is None  # listed (the default port)
    assert rule.check_url("http://127.0.0.1:8001/x") == "127.0.0.1"  # another port
    assert rule.check_url("http://2130706433:8000/x") == "127.0.0.1"  # another spelling
    assert rule.check_url("http://[::1]/x") == "::1"  # http, not the listed https
    assert rule.check_url("http://169.254.169.254/latest/meta-data/") == "169.254.169.254"
    assert rule.check_url("http://8.8.8.8/x") is None
    assert rule.check_url("http://news.example.test/x") is None  # a name: the resolver judges
    # What names resolve to, at connection time:
    assert rule.check_addresses("localhost", 8001, ["127.0.0.1", "::1"]) is None  # listed
    assert rule.check_addresses("LOCALHOST.", 8001, ["127.0.0.1"]) is None
    assert rule.check_addresses("localhost", 6379, ["127.0.0.1"]) == "127.0.0.1"
    assert rule.check_addresses("news.example.test", 80, ["93.184.216.34"]) is None
    assert rule.check_addresses("rebind.example", 80, ["93.184.216.34", "10.0.0.1"]) == "10.0.0.1"
    assert rule.refusal("http://rebind.example/x") == "10.0.0.1"
    assert rule.refusal("http://rebind.example:8080/x") is None
    assert rule.refusal("http://news.example.test/x") is None
    opened = NetworkRule(allow_private=True)
    assert opened.check_url("http://10.0.0.1/x") is None
    assert opened.check_addresses("intranet", 80, ["10.0.0.1"]) is None


def test_ipv6_literals_keep_their_brackets() -> None:
    assert canonical_url("http://[::1]:8000/a?utm_source=x") == "http://[::1]:8000/a"
    assert (
        join_url("http://a.test/", "http://[::FFFF:127.0.0.1]/b") == "http://[::ffff:127.0.0.1]/b"
    )


# --- real crawls ----------------------------------------------------------------------

NAME = "news.example.test"  # a public-looking name the test's resolver answers with 127.0.0.1
RESOLVER = {
    RESOLVER_SETTING: "tests.hosts_resolver.HostsResolver",
    "TEST_HOSTS": {NAME: "127.0.0.1"},
}


@pytest.fixture(scope="module")
def mockserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    server = MockServer(tmp_path_factory.mktemp("mockserver") / "requests.jsonl")
    yield server
    server.stop()


def port(url: str) -> int:
    found = urlsplit(url).port
    assert found is not None
    return found


def targets(server: MockServer) -> dict[str, str]:
    """Entry label -> the URL a feed on site `a` lists for it; all but `listed` and
    `by-name` lead to site `b` (127.0.0.1 on a port no source names)."""
    a, b = server.urls["a"], server.urls["b"]
    pb = port(b)
    named = f"http://{NAME}:{pb}"
    return {
        "listed": f"{a}/gen/article/101.html",
        "name": f"{named}/gen/article/102.html",
        "redirect-to-name": f"{a}/gen/redirect?"
        + urlencode({"to": f"{named}/gen/article/103.html"}),
        "other-port": f"{b}/gen/article/104.html",
        "decimal": f"http://2130706433:{pb}/gen/article/105.html",
        "hex": f"http://0x7f.1:{pb}/gen/article/106.html",
        "octal": f"http://0177.0.0.1:{pb}/gen/article/107.html",
        "mapped": f"http://[::ffff:127.0.0.1]:{pb}/gen/article/108.html",
        "ipv6-loopback": f"http://[::1]:{pb}/gen/article/109.html",
        "localhost": f"http://localhost:{pb}/gen/article/110.html",
        "redirect-to-port": f"{a}/gen/redirect?" + urlencode({"to": f"{b}/gen/article/111.html"}),
        "meta-refresh": f"{a}/gen/refresh?" + urlencode({"to": f"{named}/gen/article/112.html"}),
    }


REFUSED = 11  # every target but `listed`


def write_sources(path: Path, server: MockServer) -> Path:
    """Site `a`, listed twice: by its address (the feed of every target) and by the name
    localhost (a listed name: the resolver lets it through)."""
    a = server.urls["a"]
    feed = f"{a}/gen/links.xml?" + urlencode([("to", url) for url in targets(server).values()])
    local = f"http://localhost:{port(a)}"
    by_name = f"{local}/gen/links.xml?" + urlencode({"to": f"{local}/gen/article/120.html"})
    path.write_text(
        f'[[sources]]\nname = "Loopback"\nfeeds = ["{feed}"]\n\n'
        f'[[sources]]\nname = "By name"\nfeeds = ["{by_name}"]\n',
        encoding="utf-8",
    )
    return path


def crawl(tmp: Path, server: MockServer, **settings: Any) -> tuple[Any, dict[str, Any], str]:
    """One crawl of the sources above into a fresh archive: the summary, the stored
    articles by URL, and the crawl log."""
    archive = "sqlite:///" + str(tmp / "archive.sqlite")
    server.clear()
    summary = run_crawl(
        write_sources(tmp / "sources.toml", server),
        archive,
        state_dir=tmp / "state",
        settings_overrides={**FAST, **RESOLVER, **settings},
        time_limit=60,
    )
    store = open_archive(archive)
    try:
        stored = {article.url: article for article in store.iter_articles()}
    finally:
        store.close()
    log = archive_state_dir(archive, tmp / "state") / "logs" / "crawl.log"
    return summary, stored, log.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def refused(mockserver: MockServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # Retries on, as in a real crawl: a refused name must not be tried again.
    summary, stored, log = crawl(tmp_path_factory.mktemp("refused"), mockserver, RETRY_TIMES=2)
    return {"summary": summary, "stored": stored, "log": log, "requests": mockserver.requests()}


def test_discovered_private_addresses_are_refused_and_counted(
    refused: dict[str, Any], mockserver: MockServer
) -> None:
    summary = refused["summary"]
    assert summary.skipped.get("private-address") == REFUSED, summary.skipped
    assert summary.sources["Loopback"].skipped == REFUSED
    assert summary.failed == {}, "a refusal is a skip, not a DNS or connection failure"
    # Nothing reached site `b`: not the entries, not the redirects, not even robots.txt.
    assert [r["path"] for r in refused["requests"] if r["host"] == "b"] == []
    # The redirect and meta-refresh pages themselves are on site `a`, and were fetched.
    fetched_on_a = {r["path"].partition("?")[0] for r in refused["requests"] if r["host"] == "a"}
    assert {"/gen/redirect", "/gen/refresh"} <= fetched_on_a
    # None of them is in the archive, and the name was not tried again.
    assert not [url for url in refused["stored"] if str(port(mockserver.urls["b"])) in url]
    assert "Retrying" not in refused["log"]
    named = f"http://{NAME}:{port(mockserver.urls['b'])}/gen/article/102.html"
    assert f"127.0.0.1 is a private or special address: {named}" in refused["log"]
    # What people read:
    printed = format_summary(summary)
    assert f"  {REFUSED} {SKIP_REASONS['private-address']}" in printed
    assert "HOMEWARD_ALLOW_PRIVATE_ADDRESSES=true takes them" in printed
    assert f"not taken {REFUSED}" in printed.split("per source:")[1]


def test_listed_loopback_sources_still_crawl(
    refused: dict[str, Any], mockserver: MockServer
) -> None:
    """The demo's case: sources on 127.0.0.1 (by address or by the name localhost) are
    crawled as listed, with the entries on their own host and port."""
    a = mockserver.urls["a"]
    local = f"http://localhost:{port(a)}"
    assert set(refused["stored"]) == {f"{a}/gen/article/101.html", f"{local}/gen/article/120.html"}
    assert refused["summary"].sources["By name"].stored == 1
    assert refused["summary"].sources["Loopback"].stored == 1


def test_the_opt_out_fetches_what_the_rule_refuses(
    mockserver: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HOMEWARD_ALLOW_PRIVATE_ADDRESSES=true: an intranet crawled on purpose."""
    monkeypatch.setenv("HOMEWARD_ALLOW_PRIVATE_ADDRESSES", "true")
    summary, stored, _ = crawl(tmp_path, mockserver)
    assert "private-address" not in summary.skipped
    assert summary.settings["HOMEWARD_ALLOW_PRIVATE_ADDRESSES"] is True
    on_b = {r["path"] for r in mockserver.requests() if r["host"] == "b"}
    wanted = {f"/gen/article/{n}.html" for n in (102, 103, 104, 105, 106, 107, 110, 111, 112)}
    assert wanted <= on_b  # the entry, the redirects and the meta refresh, in every spelling
    pb = port(mockserver.urls["b"])
    for n in (102, 103, 112):
        assert f"http://{NAME}:{pb}/gen/article/{n}.html" in stored
