"""Scrapy settings of the Homeward crawler: every HOMEWARD_ setting is documented here.

`scrapy crawl news` (scrapy.cfg points here) and `crawler.run.run_crawl` both
start from this module. Any setting can be overridden with `-s NAME=VALUE`,
with `run_crawl(settings_overrides=...)`, and the four marked (env) also from
an environment variable of the same name.

Homeward settings
-----------------
HOMEWARD_SOURCES (env)          path of sources.toml; default "sources.toml" in the working dir.
HOMEWARD_ARCHIVE (env)          archive URL (sqlite:///… or http://host:9200); default the
                                embedded archive in the user's data dir (search.archive).
HOMEWARD_STATE_DIR (env)        root of crawl state; default user_data_dir("homeward")/state.
                                Each archive gets its own subdirectory (crawler.state).
HOMEWARD_CONTACT (env)          a URL or e-mail address put in the User-Agent so site owners
                                can reach whoever runs the crawl. Please set it.
HOMEWARD_RELEVANCE_THRESHOLD    minimum topic score to keep an article; default: the
                                relevance stage's own default (pipelines.relevance).
HOMEWARD_ENTITIES               tag names, places and years (default True; the benchmark
                                turns it off).
HOMEWARD_MAX_AGE_DAYS           skip feed and sitemap entries published/modified longer ago
                                (default 30; 0 = no limit). Entries without a date are kept.
HOMEWARD_PAGES_PER_SOURCE       most article pages requested per source per crawl (default
                                500; 0 = no limit).
HOMEWARD_MAX_DEPTH              pagination steps followed from a listing page of sources.toml
                                (default 2); article links are followed on every page seen.
HOMEWARD_INCREMENTAL            skip URLs the seen store knows (default True).
HOMEWARD_RESUME                 keep a JOBDIR queue so a stopped crawl resumes (default True).
HOMEWARD_RETRY_FAILED_AFTER     hours before a failed URL is tried again; doubles with each
                                failure, at most 7 days, 5 attempts (default 6).
HOMEWARD_WORKERS                processes for the CPU stages (extraction, language, entities);
                                0 runs them in the crawler's process (default: CPUs, at most 4).
HOMEWARD_INDEX_BATCH            articles per bulk write to the archive (default 100).
HOMEWARD_DEDUPE_THRESHOLD       estimated Jaccard similarity above which two texts are one
                                article (default 0.7, pipelines.dedupe).
HOMEWARD_EVIDENCE               keep WARC captures (default True).
HOMEWARD_WARC_MAX_BYTES         size after which a new WARC file is started (default 256 MiB).
HOMEWARD_PROGRESS_INTERVAL      seconds between progress lines on stderr (default 5; 0 = off).
HOMEWARD_PROGRESS_FORMAT        "text" (for people) or "json" (read by crawler.run).
HOMEWARD_SUMMARY_FILE           where to write the run summary as JSON at the end (optional).
HOMEWARD_RUN_ID                 on a Scrapyd node: the run record (in the shared archive) this
                                crawl is a part of; set by `homeward crawl --scrapyd`.
HOMEWARD_RUN_PART               on a Scrapyd node: the name of this part (the node's URL); the
                                crawl's summary is added to the run record under it.

Derived by the news spider (do not set): HOMEWARD_STATE_PATH (this archive's state
directory), JOBDIR (its job/ subdirectory) and USER_AGENT (with the contact).
"""

from __future__ import annotations

import os

from crawler.workers import default_workers
from pipelines.dedupe import DEFAULT_THRESHOLD as DEFAULT_DEDUPE_THRESHOLD

BOT_NAME = "homeward"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

HOMEWARD_SOURCES = os.environ.get("HOMEWARD_SOURCES", "sources.toml")
HOMEWARD_ARCHIVE = os.environ.get("HOMEWARD_ARCHIVE") or None
HOMEWARD_STATE_DIR = os.environ.get("HOMEWARD_STATE_DIR") or None
HOMEWARD_CONTACT = os.environ.get("HOMEWARD_CONTACT") or None
HOMEWARD_RELEVANCE_THRESHOLD = None
HOMEWARD_ENTITIES = True
HOMEWARD_MAX_AGE_DAYS = 30
HOMEWARD_PAGES_PER_SOURCE = 500
HOMEWARD_MAX_DEPTH = 2
HOMEWARD_INCREMENTAL = True
HOMEWARD_RESUME = True
HOMEWARD_RETRY_FAILED_AFTER = 6
HOMEWARD_WORKERS = default_workers()
HOMEWARD_INDEX_BATCH = 100
HOMEWARD_DEDUPE_THRESHOLD = DEFAULT_DEDUPE_THRESHOLD
HOMEWARD_EVIDENCE = True
HOMEWARD_WARC_MAX_BYTES = 256 * 1024 * 1024
HOMEWARD_PROGRESS_INTERVAL = 5.0
HOMEWARD_PROGRESS_FORMAT = "text"
HOMEWARD_SUMMARY_FILE = None
HOMEWARD_RUN_ID = None
HOMEWARD_RUN_PART = None

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
    "crawler.middlewares.SeenFilterMiddleware": 50,
    "crawler.middlewares.FetchStatsMiddleware": 950,
}
EXTENSIONS = {
    "crawler.extensions.ProgressReporter": 500,
    "crawler.extensions.RunPartRecorder": 550,
    "crawler.extensions.JobDirCleanup": 600,
}
ITEM_PIPELINES = {
    "crawler.item_pipelines.ExtractPipeline": 100,
    "crawler.item_pipelines.LanguagePipeline": 200,
    "crawler.item_pipelines.RelevancePipeline": 300,
    "crawler.item_pipelines.EntitiesPipeline": 400,
    "crawler.item_pipelines.DedupePipeline": 500,
    "crawler.item_pipelines.EvidencePipeline": 600,
    "crawler.item_pipelines.IndexPipeline": 700,
}

LOG_LEVEL = "INFO"
