"""One crawl per schedule at a time: a lock file held with flock(2).

The kernel drops an flock when the last descriptor holding it closes, which
includes the holder being killed, so a lock can never be left stuck by a dead
crawl. The scheduler passes the descriptor on to the crawl process
(`run_crawl(keep_fds=…)`): if the scheduler itself dies, the crawl it started
keeps the lock until it ends, and a restarted scheduler does not start a
second crawl beside it.

The file also says who holds it (run id, pid, start time), for the "skipped"
message; the holder empties it on release. Content left in a file that is not
locked means its holder died without releasing: `acquire` returns that stale
holder so the caller can mark the abandoned run as failed.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from homeward.runs import run_timestamp

__all__ = ["Holder", "LockBusy", "ScheduleLock"]


@dataclass(slots=True, frozen=True)
class Holder:
    """Who holds (or held) a schedule's lock."""

    run_id: str
    pid: int
    host: str
    since: str

    def describe(self) -> str:
        return f"run {self.run_id} (pid {self.pid} on {self.host}, since {self.since})"

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        try:
            data: dict[str, Any] = json.loads(text)
            return cls(str(data["run_id"]), int(data["pid"]), str(data["host"]), str(data["since"]))
        except (ValueError, KeyError, TypeError):
            return None


class LockBusy(RuntimeError):
    """Another crawl of the schedule holds the lock."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        self.path = path
        self.holder = holder
        who = holder.describe() if holder else "another process"
        super().__init__(f"{who} still holds {path}")


class ScheduleLock:
    """The lock of one schedule; `acquire` never waits."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None
        self.stale: Holder | None = None  # a dead holder found by the last acquire

    def acquire(self, run_id: str) -> Holder | None:
        """Take the lock for `run_id`; LockBusy if it is held. Returns the stale holder
        whose crawl died without releasing it, if there was one (else None)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Holder.parse(_read(fd))
            os.close(fd)
            raise LockBusy(self.path, holder) from None
        previous = _read(fd)
        self.stale = Holder.parse(previous) if previous.strip() else None
        me = Holder(
            run_id=run_id, pid=os.getpid(), host=socket.gethostname(), since=run_timestamp()
        )
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(asdict(me)).encode(), 0)
        os.fsync(fd)
        self.fd = fd
        return self.stale

    def release(self) -> None:
        """Empty the file (a clean end) and drop the lock."""
        if self.fd is None:
            return
        try:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            os.close(self.fd)
            self.fd = None

    def holder(self) -> Holder | None:
        """Who holds the lock now, or None when nobody does."""
        if not self.path.exists():
            return None
        fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return Holder.parse(_read(fd))
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)


def _read(fd: int) -> str:
    return os.pread(fd, 4096, 0).decode("utf-8", "replace")
