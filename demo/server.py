"""The bundled offline sample news web, served on loopback.

`demo/site/` holds two invented news sites, one directory per host:
`news/` (The Harbour Herald and its Chinese section 海港日报) and `mirror/`
(Daily Syndicate, which reprints some Herald stories). `expected.json` next to
them is the hand-annotated ground truth of what a polite crawl must store.
`homeward demo` and the crawler's tests crawl this web; nothing touches the
internet.

Each host gets its own server on a random free port. Feeds, sitemaps and
canonical links hold the placeholders `{{news}}` and `{{mirror}}`, replaced on
the fly by each host's base URL (no trailing slash), so links between hosts work
whatever ports were chosen. The replacement is done on bytes, so GBK and Big5
pages pass through untouched (the placeholders are ASCII).

A host directory may hold `_headers.json`, mapping a path to the headers it is
served with, e.g. the lying `charset=iso-8859-1` of a UTF-8 page, or a
`"status"` (with a `Location` for redirects). Files whose names start with `_`
are never served.

In-process (tests, the demo)::

    with serve_sample_web() as web:
        web.urls["news"]                 # 'http://127.0.0.1:41234'
        web.url("news", "/world/")       # absolute URL of a page
        web.requests                     # [('news', '/robots.txt'), ...]

As a subprocess (like Scrapy's mockserver)::

    python -m demo.server [--root DIR] [--fail PATH] [--hang PATH]
                                    [--log FILE] [--verbose]

prints one JSON line `{"news": "http://127.0.0.1:…", "mirror": "…"}` on
stdout, then serves until SIGTERM or SIGINT.

Other webs (tests/mockserver.py serves the crawl tests' fixture sites this way):
`serve_sample_web(root, placeholders={"a": "{{A}}"}, request_log=path,
handler=Subclass)` serves any directory of hosts, with the caller's
placeholder for each host and a JSON-lines request log. A subclass of
`SampleHandler` changes how the hosts answer: its content types, its 404
page, `?page=N` served from `pageN.html`, HTTP/1.1 keep-alive, and
`route()` for generated pages (see the class).
"""

from __future__ import annotations

import argparse
import gzip
import json
import mimetypes
import signal
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "DEFAULT_ROOT",
    "Reply",
    "SampleHandler",
    "SampleWeb",
    "load_expected",
    "main",
    "serve_sample_web",
]

DEFAULT_ROOT = Path(__file__).resolve().with_name("site")
HEADERS_FILE = "_headers.json"
EXPECTED_FILE = "expected.json"
HANG_SECONDS = 60.0

# Content types by suffix; text types get the placeholder substitution.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
    ".gz": "application/gzip",
}
TEXT_MARKERS = ("text/", "xml", "json", "javascript")

NOT_FOUND_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    b"<title>Page not found</title></head><body><h1>Page not found</h1>"
    b"<p>The page you asked for has moved or never existed.</p></body></html>\n"
)
ERROR_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    b"<title>Server error</title></head><body><h1>Something went wrong</h1></body></html>\n"
)


def host_names(root: Path) -> list[str]:
    """The host directories under `root` (every directory not starting with `_` or `.`)."""
    return sorted(
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and not entry.name.startswith(("_", "."))
    )


def load_expected(root: Path | None = None) -> dict[str, Any]:
    """The sample web's ground truth (`expected.json`)."""
    root = DEFAULT_ROOT if root is None else Path(root)
    return json.loads((root / EXPECTED_FILE).read_text(encoding="utf-8"))


def is_text(content_type_value: str) -> bool:
    lowered = content_type_value.lower()
    return any(marker in lowered for marker in TEXT_MARKERS)


def substitute(body: bytes, replacements: Mapping[bytes, bytes]) -> bytes:
    for placeholder, base in replacements.items():
        body = body.replace(placeholder, base)
    return body


@dataclass(frozen=True)
class Reply:
    """A generated answer (from `SampleHandler.route`); a body without a Content-Type is HTML."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class _Shared:
    """What every host's handler reads: the base URLs, the switches and the logs."""

    urls: dict[str, str] = field(default_factory=dict)
    replacements: dict[bytes, bytes] = field(default_factory=dict)  # placeholder -> base URL
    fail: frozenset[str] = frozenset()
    hang: frozenset[str] = frozenset()
    verbose: bool = False
    log: IO[str] | None = None
    request_log: Path | None = None
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def record(self, host: str, method: str, target: str, status: int, agent: str) -> None:
        with self.lock:
            self.requests.append((host, target))
            line = f"{host} {status} {method} {target}"
            if self.log is not None:
                self.log.write(line + "\n")
                self.log.flush()
            if self.request_log is not None:  # opened per line: deleting it starts afresh
                entry = dict(host=host, status=status, method=method, path=target, ua=agent)
                with self.request_log.open("a", encoding="utf-8") as stream:
                    stream.write(json.dumps(entry) + "\n")
        if self.verbose:
            print(line, file=sys.stderr, flush=True)


class _HostServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        name: str,
        docroot: Path,
        shared: _Shared,
        handler: type[SampleHandler],
    ):
        super().__init__(address, handler)
        self.name = name
        self.docroot = docroot
        self.shared = shared
        headers_path = docroot / HEADERS_FILE
        self.overrides: dict[str, dict[str, Any]] = (
            json.loads(headers_path.read_text(encoding="utf-8")) if headers_path.exists() else {}
        )


class SampleHandler(BaseHTTPRequestHandler):
    """Answers one host's requests from its directory. A subclass, passed to
    `serve_sample_web(handler=...)`, may change:

    - `content_types`: Content-Type by file suffix (others are guessed);
    - `not_found`: the 404 body and its Content-Type;
    - `page_files`: a directory asked for with `?page=N` serves its `pageN.html`
      (404 when there is none) instead of `index.html`;
    - `protocol_version`: "HTTP/1.1" keeps connections alive (the stdlib's 1.0
      closes each one);
    - `route(path, query)`: a generated `Reply` for a path, asked before the
      files are (`self.base_url` is this host's).
    """

    server: _HostServer
    server_version = "HomewardSample/1.0"
    content_types: Mapping[str, str] = CONTENT_TYPES
    not_found: tuple[bytes, str] = (NOT_FOUND_PAGE, "text/html; charset=utf-8")
    page_files = False

    def route(self, path: str, query: dict[str, list[str]]) -> Reply | None:
        """A generated answer for `path` (unquoted) and `query`, or None to serve files."""
        return None

    @property
    def base_url(self) -> str:
        return self.server.shared.urls[self.server.name]

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stdlib's per-request line; `_Shared.record` logs instead."""

    def _respond(self, send_body: bool) -> None:
        shared = self.server.shared
        target = urlsplit(self.path)
        path = unquote(target.path, encoding="utf-8", errors="replace") or "/"
        query = parse_qs(target.query)
        if path in shared.hang:
            self._record(0)
            shared.stopping.wait(HANG_SECONDS)
            self.close_connection = True
            return
        if path in shared.fail:
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, ERROR_PAGE, {}, send_body)
            return
        reply = self.route(path, query)
        if reply is not None:
            self._send(reply.status, reply.body, dict(reply.headers), send_body)
            return
        override = dict(self.server.overrides.get(path, {}))
        status = int(override.pop("status", 0))
        if status:
            headers = {
                key: substitute(str(value).encode(), shared.replacements).decode()
                for key, value in override.items()
            }
            self._send(status, b"", headers, send_body)
            return
        found = self._resolve(path, query)
        if isinstance(found, str):  # a directory asked for without its slash
            self._send(HTTPStatus.MOVED_PERMANENTLY, b"", {"Location": found}, send_body)
            return
        if found is None:
            body, type_ = self.not_found
            self._send(HTTPStatus.NOT_FOUND, body, {"Content-Type": type_}, send_body)
            return
        headers = {"Content-Type": self._content_type(found), **override}
        self._send(HTTPStatus.OK, self._read(found, headers["Content-Type"]), headers, send_body)

    def _resolve(self, path: str, query: dict[str, list[str]]) -> Path | str | None:
        """The file for `path`, a redirect target for a directory without its slash, or None."""
        parts = [part for part in path.split("/") if part]
        if any(part in (".", "..") or part.startswith(("_", ".")) for part in parts):
            return None
        candidate = self.server.docroot.joinpath(*parts)
        if candidate.is_dir():
            if not path.endswith("/"):
                return path + "/"
            page = query.get("page", [""])[0]
            paged = self.page_files and page.isdigit()
            candidate = candidate / (f"page{page}.html" if paged else "index.html")
        return candidate if candidate.is_file() else None

    def _content_type(self, path: Path) -> str:
        known = self.content_types.get(path.suffix.lower())
        if known:
            return known
        guessed, _ = mimetypes.guess_type(path.name)
        return guessed or "application/octet-stream"

    def _read(self, path: Path, content_type: str) -> bytes:
        """The file's bytes, placeholders replaced in text; `x.xml.gz` is replaced inside."""
        body = path.read_bytes()
        replacements = self.server.shared.replacements
        if path.suffix.lower() == ".gz":
            if is_text(self._content_type(path.with_suffix(""))):
                body = gzip.compress(substitute(gzip.decompress(body), replacements), mtime=0)
        elif is_text(content_type):
            body = substitute(body, replacements)
        return body

    def _record(self, status: int) -> None:
        agent = self.headers.get("User-Agent", "")
        self.server.shared.record(self.server.name, self.command, self.path, status, agent)

    def _send(self, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
        self._record(int(status))
        self.send_response(status)
        if body and "Content-Type" not in headers:
            headers = {"Content-Type": "text/html; charset=utf-8", **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


class SampleWeb:
    """The running sample web: one server per host, stopped by `stop()` or `with`."""

    def __init__(self, root: Path, servers: dict[str, _HostServer], shared: _Shared):
        self.root = root
        self._servers = servers
        self._shared = shared
        self._threads: list[threading.Thread] = []
        for name, server in servers.items():
            thread = threading.Thread(
                target=server.serve_forever, name=f"sample-web-{name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    @property
    def urls(self) -> dict[str, str]:
        """Base URL per host, without a trailing slash: `{"news": "http://127.0.0.1:41234"}`."""
        return dict(self._shared.urls)

    @property
    def requests(self) -> list[tuple[str, str]]:
        """Every request served so far, in order, as `(host, path with query)`."""
        with self._shared.lock:
            return list(self._shared.requests)

    def url(self, host: str, path: str = "/") -> str:
        return self._shared.urls[host] + path

    def clear_requests(self) -> None:
        with self._shared.lock:
            self._shared.requests.clear()

    def sources_toml(self) -> str:
        """A `sources.toml` for this running web, from `expected.json`'s `hosts`."""
        hosts = load_expected(self.root)["hosts"]
        blocks = []
        for name, spec in hosts.items():
            if name not in self._shared.urls:
                continue
            base = self._shared.urls[name]

            def urls(paths: list[str], base: str = base) -> str:
                return "[" + ", ".join(json.dumps(base + path) for path in paths) + "]"

            blocks.append(
                "[[sources]]\n"
                f"name = {json.dumps(spec['name'], ensure_ascii=False)}\n"
                f"feeds = {urls(spec['feeds'])}\n"
                f"sitemaps = {urls(spec['sitemaps'])}\n"
                f"pages = {urls(spec['pages'])}\n"
            )
        return "\n".join(blocks)

    def stop(self) -> None:
        """Stop every host's server; safe to call twice."""
        if self._shared.stopping.is_set():
            return
        self._shared.stopping.set()
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> SampleWeb:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve_sample_web(
    root: Path | None = None,
    host: str = "127.0.0.1",
    *,
    fail: Iterable[str] = (),
    hang: Iterable[str] = (),
    verbose: bool = False,
    log: IO[str] | None = None,
    ports: Mapping[str, int] | None = None,
    placeholders: Mapping[str, str] | None = None,
    request_log: Path | None = None,
    handler: type[SampleHandler] = SampleHandler,
) -> SampleWeb:
    """Start one server per host directory of `root` on random free ports, or on the
    fixed `ports` given per host (the demo: the same URLs on every run).

    `fail` paths answer 500 and `hang` paths never answer (until the web stops
    or a minute passes), on every host. `log` receives one line per request:
    `host status method path`. `request_log` is a file that gets one JSON line
    per request, `{"host", "status", "method", "path", "ua"}` (the user agent).

    `placeholders` gives a host's placeholder (default `{{host}}`), and `handler`
    how the hosts answer (a `SampleHandler` subclass).
    """
    root = DEFAULT_ROOT if root is None else Path(root)
    names = host_names(root)
    if not names:
        raise FileNotFoundError(f"no host directories in sample web root {root}")
    shared = _Shared(
        fail=frozenset(fail),
        hang=frozenset(hang),
        verbose=verbose,
        log=log,
        request_log=request_log,
    )
    servers: dict[str, _HostServer] = {}
    try:
        for name in names:
            port = (ports or {}).get(name, 0)
            servers[name] = _HostServer((host, port), name, root / name, shared, handler)
    except OSError:
        for server in servers.values():
            server.server_close()
        raise
    url_host = f"[{host}]" if ":" in host else host
    for name, server in servers.items():
        base = f"http://{url_host}:{server.server_address[1]}"
        shared.urls[name] = base
        placeholder = (placeholders or {}).get(name, "{{" + name + "}}")
        shared.replacements[placeholder.encode("ascii")] = base.encode("ascii")
    return SampleWeb(root, servers, shared)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.server",
        description="Serve Homeward's offline sample news web on random loopback ports.",
    )
    parser.add_argument("--root", type=Path, default=None, help="sample web directory")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--fail", action="append", default=[], metavar="PATH", help="answer 500")
    parser.add_argument("--hang", action="append", default=[], metavar="PATH", help="never answer")
    parser.add_argument("--log", type=Path, default=None, help="append one line per request")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)

    log = args.log.open("a", encoding="utf-8") if args.log else None
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        web = serve_sample_web(
            args.root, args.host, fail=args.fail, hang=args.hang, verbose=args.verbose, log=log
        )
    except OSError as error:
        print(f"sample server: cannot start: {error}", file=sys.stderr)
        return 1
    try:
        print(json.dumps(web.urls), flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        web.stop()
        if log is not None:
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
