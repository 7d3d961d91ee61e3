"""A DNS resolver for crawl tests: public-looking names answered with loopback addresses.

The crawl tests serve every site on 127.0.0.1. To show what the network rule does
with a name that a stranger's DNS points at a private address, a crawl is started
with this resolver (run_crawl's settings_overrides):

    {RESOLVER_SETTING: "tests.hosts_resolver.HostsResolver",
     "TEST_HOSTS": {"news.example.test": "127.0.0.1"}}

It is the crawler's own NetworkRuleResolver, answering the names of TEST_HOSTS as a
hosts file would (`lookup_name`, the hook the product resolver offers for this); the
rule still judges the name the URL gives and the address it resolved to.
"""

from __future__ import annotations

from typing import Any

from crawler.network import NetworkRuleResolver


class HostsResolver(NetworkRuleResolver):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hosts: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> HostsResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.hosts = {
            name.lower(): address
            for name, address in crawler.settings.getdict("TEST_HOSTS").items()
        }
        return resolver

    def lookup_name(self, host: str) -> str:
        return self.hosts.get(host.lower(), host)
