"""Scrapy settings of the Homeward crawler.

`scrapy crawl news` (scrapy.cfg points here) and `crawler.run.run_crawl` both
start from this module. The HOMEWARD_ settings, with their defaults and meaning,
are the table in crawler/homeward_settings.py; each can be given as an
environment variable of the same name (`HOMEWARD_MAX_AGE_DAYS=0 homeward crawl`),
with `-s NAME=VALUE`, or with `run_crawl(settings_overrides=...)`, and the
per-run choices also have a `homeward crawl` option. An environment value that
does not parse is refused with a message naming the variable.

Derived by the news spider (do not set): HOMEWARD_STATE_PATH (this archive's state
directory), JOBDIR (its job/ subdirectory) and USER_AGENT (with the contact).
"""

from __future__ import annotations

from crawler.homeward_settings import DEFAULTS, environment_settings
from crawler.network import RESOLVER_SETTING as _resolver_setting

BOT_NAME = "homeward"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Scrapy reads the upper-case names of this module: the table's defaults, then the
# environment's values.
globals().update(DEFAULTS)
globals().update(environment_settings())

# --- politeness -------------------------------------------------------------------
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # news pages are far smaller; a video is not an article
DOWNLOAD_WARNSIZE = 3 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
DEPTH_PRIORITY = 0

# --- components -------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.NetworkRuleMiddleware": 40,  # before robots.txt is asked for
    "crawler.middlewares.SeenFilterMiddleware": 50,
    "crawler.middlewares.RefusedAddressMiddleware": 560,  # sees DNS errors before RetryMiddleware
    "crawler.middlewares.FetchStatsMiddleware": 950,
}
# The network rule on resolved addresses (crawler/network.py); IPv4 and IPv6.
globals()[_resolver_setting] = "crawler.network.NetworkRuleResolver"
EXTENSIONS = {
    "crawler.extensions.ProgressReporter": 500,
    "crawler.extensions.RunPartRecorder": 550,
    "crawler.extensions.JobDirCleanup": 600,
}
ITEM_PIPELINES = {
    "crawler.item_pipelines.ExtractPipeline": 100,
    "crawler.item_pipelines.LanguagePipeline": 200,
    "crawler.item_pipelines.RelevancePipeline": 300,
    "crawler.item_pipelines.RevisitPipeline": 350,
    "crawler.item_pipelines.EntitiesPipeline": 400,
    "crawler.item_pipelines.DedupePipeline": 500,
    "crawler.item_pipelines.EvidencePipeline": 600,
    "crawler.item_pipelines.IndexPipeline": 700,
}

LOG_LEVEL = "INFO"
