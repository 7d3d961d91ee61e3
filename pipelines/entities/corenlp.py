"""Stanford CoreNLP's English NER, run as a child process of this Python process.

`scripts/corenlp.sh fetch` installs CoreNLP (pinned, from Maven Central) and
builds a small Java program, scripts/corenlp/HomewardNer.java, that keeps the
3-class CRF model loaded and tags texts sent over its stdin. `CoreNLPTagger`
starts it (`scripts/corenlp.sh run`) on first use, talks to it one text at a
time under a lock, and ends it at exit; the Java side also exits by itself when
the pipe closes, so a killed crawler leaves no tagger behind. Why a child
process and not CoreNLP's HTTP server: no port to pick or collide on, no PID
file, nothing to start before a crawl or a test, and the model's lifetime is
exactly that of the process using it.

Nothing is downloaded here: when CoreNLP is not installed the first call fails
with `EntityModelError` naming `scripts/corenlp.sh fetch`.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import math
import os
import select
import subprocess
import threading
import time
import weakref
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from homeward.processes import die_with_parent
from pipelines.entities.errors import EN_MODEL_ENV, EntityModelError

# HOMEWARD_CORENLP_SCRIPT: where a Scrapyd node (running the code from a zipped egg,
# away from the checkout) finds the checkout's scripts/corenlp.sh.
SCRIPT_ENV = "HOMEWARD_CORENLP_SCRIPT"
SCRIPT = Path(
    os.environ.get(SCRIPT_ENV) or Path(__file__).resolve().parents[2] / "scripts" / "corenlp.sh"
)
START_TIMEOUT_ENV = "HOMEWARD_CORENLP_START_TIMEOUT"
START_TIMEOUT = 120.0
# Longer texts go to the tagger in pieces cut at line breaks (it tags line by line
# anyway), so no page, however long, can exhaust its heap.
MAX_CHARS = 100_000
FETCH_HINT = (
    f"run `{SCRIPT} fetch` (the script {SCRIPT_ENV} names)"
    if os.environ.get(SCRIPT_ENV)
    else "run `scripts/corenlp.sh fetch` (scripts/setup.sh does)"
)

log = logging.getLogger(__name__)
_live: weakref.WeakSet[CoreNLPTagger] = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class Span:
    """One entity: CoreNLP's label (PERSON, LOCATION, ORGANIZATION) and its
    [start, end) offsets in the text, as Python string indices."""

    label: str
    start: int
    end: int


class CoreNLPTagger:
    """A CoreNLP NER process owned by this Python process, started on first use.

    Safe to share between threads (one request at a time) and across a fork:
    a child process starts its own tagger and never writes to its parent's.
    """

    def __init__(self, command: Sequence[str] | None = None, start_timeout: float | None = None):
        self.command = list(command or ["bash", str(SCRIPT), "run"])
        self._script = None if command else SCRIPT
        self.start_timeout = start_timeout_setting() if start_timeout is None else start_timeout
        self.max_chars = MAX_CHARS
        self.version = ""
        self.model = ""
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = 0
        self._pending = bytearray()  # read from the tagger's stdout, not yet a whole line
        self._stderr: deque[str] = deque(maxlen=30)
        self._stderr_thread: threading.Thread | None = None
        _live.add(self)

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.pid else "not running"
        return f"<CoreNLPTagger {self.version or '?'} {self.model or '?'} {state}>"

    @property
    def pid(self) -> int | None:
        """The tagger's process id while it runs (for this process), else None."""
        process = self._process
        if process is None or self._owner != os.getpid() or process.poll() is not None:
            return None
        return process.pid

    def start(self) -> None:
        """Start the tagger now (it starts by itself on first `tag`)."""
        with self._lock:
            self._ensure_started()

    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        """Entities of each text, in order.

        A tagger that died is restarted once; dying again is an `EntityModelError`.
        A text CoreNLP itself rejects gets no entities and a logged warning.
        """
        with self._lock:
            results = []
            for index, text in enumerate(texts):
                spans: list[Span] = []
                for offset, piece in pieces(text, self.max_chars):
                    found = self._request_retrying(piece, index)
                    spans += [Span(s.label, s.start + offset, s.end + offset) for s in found]
                results.append(spans)
            return results

    def close(self) -> None:
        """Stop the tagger: close its stdin (it exits on EOF), kill it if it lingers."""
        with self._lock:
            self._reset()

    # --- the process -----------------------------------------------------------

    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._owner == os.getpid():
            return self._process
        if self._script is not None and not self._script.is_file():
            where = f"{SCRIPT_ENV}={self._script}" if os.environ.get(SCRIPT_ENV) else self._script
            raise EntityModelError(
                f"the CoreNLP script {where} is not a file; set {SCRIPT_ENV} to the "
                "checkout's scripts/corenlp.sh"
            )
        self._stderr.clear()
        self._pending.clear()
        started = time.monotonic()
        try:
            # Unbuffered pipes: raw file objects hold no lock that a fork could
            # leave locked in a child process (see `_after_fork_in_child`).
            process = subprocess.Popen(
                self.command,
                bufsize=0,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # Its own session: a Ctrl-C meant for a crawl (which then finishes
                # its in-flight items) does not kill the tagger under it. It dies
                # with the process that started it: a killed crawl leaves no JVM.
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        except OSError as error:
            raise EntityModelError(
                f"cannot start the CoreNLP tagger ({' '.join(self.command)}): {error}"
            ) from None
        self._process, self._owner = process, os.getpid()
        self._stderr_thread = threading.Thread(
            target=_drain, args=(process.stderr, self._stderr), name="corenlp-stderr", daemon=True
        )
        self._stderr_thread.start()
        line = self._ready_line(process)
        parts = line.split()
        if len(parts) != 3 or parts[0] != "ready":
            self._reset()
            raise EntityModelError(f"the CoreNLP tagger said {line!r} instead of 'ready ...'")
        self.version, self.model = parts[1], parts[2]
        log.info(
            "CoreNLP %s NER (%s) started in %.1fs, pid %d",
            self.version,
            self.model,
            time.monotonic() - started,
            process.pid,
        )
        return process

    def _ready_line(self, process: subprocess.Popen[bytes]) -> str:
        try:
            line = self._read_line(process, timeout=self.start_timeout)
        except TimeoutError:
            self._reset()
            raise EntityModelError(
                f"the CoreNLP tagger did not load its model within {self.start_timeout:g}s "
                f"({START_TIMEOUT_ENV}); {self._stderr_text()}"
            ) from None
        if not line.endswith(b"\n"):
            code = process.wait()
            if self._stderr_thread is not None:
                self._stderr_thread.join(timeout=5)
            message = self._stderr_text()
            self._reset()
            hint = "" if "corenlp.sh fetch" in message else f"; to install it, {FETCH_HINT}"
            raise EntityModelError(
                "English person names need Stanford CoreNLP's NER model, and its tagger "
                f"did not start (exit code {code}): {message}{hint}. Or set {EN_MODEL_ENV} "
                "to an installed spaCy pipeline."
            )
        return line.decode("utf-8", "replace").strip()

    def _request_retrying(self, text: str, index: int) -> list[Span]:
        try:
            return self._request(text)
        except _TaggerDied as died:
            log.warning("the CoreNLP tagger exited (%s); starting a new one", died)
            self._reset()
        try:
            return self._request(text)
        except _TaggerDied as again:
            self._reset()
            raise EntityModelError(
                f"the CoreNLP tagger exited twice while tagging text {index} "
                f"({len(text)} characters): {again}"
            ) from None

    def _request(self, text: str) -> list[Span]:
        try:
            return self._exchange(text)
        except BaseException:
            # Interrupted mid-request (a time budget, Ctrl-C): its reply may still come,
            # so this process can no longer be trusted to answer in step.
            self._reset()
            raise

    def _exchange(self, text: str) -> list[Span]:
        process = self._ensure_started()
        assert process.stdin is not None and process.stdout is not None
        # "replace" turns a lone surrogate into "?": one code point for one, so
        # the offsets that come back still index `text`.
        data = text.encode("utf-8", "replace")
        try:
            _write_all(process.stdin, b"%d\n" % len(data) + data)
            reply = self._read_line(process)
        except (ValueError, OSError) as error:  # BrokenPipeError; a closed pipe
            raise _TaggerDied(self._death_note(error)) from None
        if not reply.endswith(b"\n"):
            raise _TaggerDied(self._death_note(None))
        head, _, rest = reply.decode("utf-8", "replace").rstrip("\n").partition(" ")
        if head == "error":
            log.warning("CoreNLP could not tag a text of %d characters: %s", len(text), rest)
            return []
        if head != "ok":
            self._reset()
            raise EntityModelError(f"unexpected reply from the CoreNLP tagger: {reply[:200]!r}")
        spans = []
        for item in rest.split():
            label, start, end = item.rsplit(":", 2)
            spans.append(Span(label, int(start), int(end)))
        return spans

    def _read_line(self, process: subprocess.Popen[bytes], timeout: float | None = None) -> bytes:
        """The next line from the tagger's stdout; what is left (maybe b"") at EOF."""
        assert process.stdout is not None
        fd = process.stdout.fileno()
        deadline = None if timeout is None else time.monotonic() + timeout
        while (newline := self._pending.find(b"\n")) < 0:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if not select.select([fd], [], [], remaining)[0]:
                    continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                newline = len(self._pending) - 1
                break
            self._pending += chunk
        line = bytes(self._pending[: newline + 1])
        del self._pending[: newline + 1]
        return line

    def _death_note(self, error: BaseException | None) -> str:
        code: int | str | None = None
        if self._process is not None:
            try:
                code = self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = "none yet (still running)"
        if self._stderr_thread is not None:
            self._stderr_thread.join(timeout=2)
        return f"exit code {code}{f', {error}' if error else ''}; {self._stderr_text()}"

    def _stderr_text(self) -> str:
        lines = [line for line in self._stderr if line.strip()]
        return " | ".join(lines[-8:]) if lines else "it printed nothing on stderr"

    def _reset(self) -> None:
        """Forget the process; end it if it is ours (and only then)."""
        process, self._process = self._process, None
        if process is None:
            return
        if self._owner != os.getpid():
            _close_pipes(process)  # a forked copy: the parent's tagger is not ours to stop
            return
        _close_pipes(process)  # EOF on stdin: the tagger exits by itself
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if self._stderr_thread is not None:
            self._stderr_thread.join(timeout=2)
            self._stderr_thread = None


class _TaggerDied(Exception):
    pass


def start_timeout_setting() -> float:
    """Seconds the tagger may take to load its model: HOMEWARD_CORENLP_START_TIMEOUT, else 120."""
    value = os.environ.get(START_TIMEOUT_ENV, "").strip()
    if not value:
        return START_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise EntityModelError(
            f"{START_TIMEOUT_ENV} must be a number of seconds above 0 (e.g. 120), got {value!r}"
        )
    return seconds


def pieces(text: str, max_chars: int) -> list[tuple[int, str]]:
    """(offset, piece) parts of at most `max_chars` characters, each cut after its
    last line break if it has one, else after its last space, else anywhere."""
    parts, start = [], 0
    while len(text) - start > max_chars:
        end = start + max_chars
        cut = text.rfind("\n", start, end)
        if cut < start:
            cut = text.rfind(" ", start, end)
        end = cut + 1 if cut >= start else end
        parts.append((start, text[start:end]))
        start = end
    parts.append((start, text[start:]))
    return parts


def _write_all(pipe: IO[bytes], data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = pipe.write(view)
        view = view[written or 0 :]


def _close_pipes(process: subprocess.Popen[bytes], stderr: bool = False) -> None:
    for pipe in (process.stdin, process.stdout, process.stderr if stderr else None):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def _drain(pipe: IO[bytes] | None, tail: deque[str]) -> None:
    """Keep reading the tagger's stderr (a full pipe would block it); keep the tail."""
    if pipe is None:
        return
    rest = b""
    while True:
        try:
            chunk = os.read(pipe.fileno(), 1 << 14)
        except (OSError, ValueError):  # closed under us (a reset)
            chunk = b""
        if chunk:
            *lines, rest = (rest + chunk).split(b"\n")
        else:
            lines, rest = [rest] if rest else [], b""
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip()
            tail.append(line)
            log.debug("corenlp: %s", line)
        if not chunk:
            break
    with contextlib.suppress(OSError):
        pipe.close()


def _after_fork_in_child() -> None:
    # Drop (without stopping) the parent's taggers so that the parent closing its
    # pipe still ends them: a child holding a copy of the write end would not.
    for tagger in list(_live):
        process, tagger._process = tagger._process, None
        if process is not None:
            _close_pipes(process, stderr=True)  # no thread drains it in this process
        tagger._stderr_thread = None
        tagger._lock = threading.Lock()


def _close_all() -> None:
    for tagger in list(_live):
        try:
            tagger.close()
        except Exception:  # at exit: best effort, never mask the real exit status
            log.debug("closing %r failed", tagger, exc_info=True)


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_close_all)
