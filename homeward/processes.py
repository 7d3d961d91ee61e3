"""Process hygiene shared by the crawl, its worker pool and the taggers under it.

A crawl is a tree of processes (the caller, the crawl, a fork server, pool workers,
CoreNLP JVMs). Killing any one of them must not leave the others running or the
caller waiting: each child asks the kernel to signal it when its parent dies, and
the caller measures the whole tree's memory while it runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import sys
from collections.abc import Callable
from datetime import datetime

import psutil

__all__ = ["alive_since", "die_with_parent", "parent_death_signal", "tree_memory"]

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Ask Linux to send `signum` to this process when its parent dies (prctl
    PR_SET_PDEATHSIG; kept across exec). Elsewhere a no-op: the caller's own clean-up
    (killing the process group) still applies."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)


def parent_death_signal(signum: int) -> Callable[[], None]:
    """`die_with_parent(signum)` as a `preexec_fn` or pool `initializer`."""

    def arrange() -> None:
        die_with_parent(signum)

    return arrange


def tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants, in bytes (0 once gone): their
    proportional set sizes where Linux gives them (a page shared by the fork server's
    children counts once, split between them), else their resident sizes.
    Descendants in other sessions (the taggers) count too: they are the crawl's."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += _memory_of(process)
        except psutil.Error:
            continue  # ended while we looked
    return total


def _memory_of(process: psutil.Process) -> int:
    try:
        return int(process.memory_full_info().pss)
    except (AttributeError, psutil.AccessDenied):  # no PSS here (not Linux, or not ours)
        return int(process.memory_info().rss)


def alive_since(pid: int, started: datetime) -> bool:
    """Whether process `pid` still runs and is the one that started at `started` (an
    aware datetime), not a later process that reused its number."""
    try:
        created = psutil.Process(pid).create_time()
    except psutil.Error:
        return False
    return created <= started.timestamp() + 1.0
