"""One CoreNLP tagger for all the workers of a crawl.

A CoreNLP JVM holds the English model in a heap of about 290 MB, and each crawl
worker that tagged an English article used to start its own: two JVMs in a crawl
with two workers, four with four (RELIABILITY.md). Here a small server process
(multiprocessing's manager, a child of the crawl's fork server like the workers)
owns one `CoreNLPTagger`, which starts its JVM on the first English text as before,
and the workers send it their texts over a Unix socket. The tagger takes one text
at a time either way; what the workers share is its memory, not its speed.

The crawl process starts the server (`TaggerServer`) and hands its address to the
worker calls; a worker connects on its first English text (`connect`).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from functools import cache, partial
from multiprocessing.managers import BaseManager
from typing import Any

from homeward.processes import die_with_parent
from pipelines.entities.corenlp import CoreNLPTagger, Span
from pipelines.entities.errors import EntityModelError
from pipelines.entities.models import CoreNLPNer, use_english_ner

__all__ = ["SharedTaggerClient", "TaggerServer", "connect"]


class _Served:
    """The calls the server answers: its one tagger's, and the tagger's version (a
    proxy reaches methods only)."""

    def __init__(self) -> None:
        self.tagger = CoreNLPTagger()

    def start(self) -> tuple[str, str]:
        self.tagger.start()
        return self.tagger.version, self.tagger.model

    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        return self.tagger.tag(texts)


@cache
def _served() -> _Served:
    """The server's single tagger, whichever worker asks (each asks once)."""
    return _Served()


class _Manager(BaseManager):
    pass


_Manager.register("tagger", callable=_served, exposed=("start", "tag"))


class TaggerServer:
    """The shared tagger's server process, owned by the crawl process: it dies with
    the crawl's fork server, and its JVM with it."""

    def __init__(self) -> None:
        # The fork server's context, as the workers': forking the crawl process itself
        # would copy its reactor's threads.
        self._manager = _Manager(ctx=multiprocessing.get_context("forkserver"))
        self._manager.start(initializer=die_with_parent)
        self.address = str(self._manager.address)

    def stop(self) -> None:
        self._manager.shutdown()


class SharedTaggerClient:
    """A worker's side: CoreNLPTagger's `tag` and version, answered by the server."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._proxy: Any = None
        self.version, self.model = self._call("start")

    def start(self) -> None:
        """The server's tagger started when this client connected."""

    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        return self._call("tag", list(texts))

    def close(self) -> None:
        """The crawl process stops the server; a worker only lets go of its socket."""
        self._proxy = None

    def _call(self, method: str, *args: Any) -> Any:
        try:
            if self._proxy is None:
                manager = _Manager(address=self.address)
                manager.connect()
                self._proxy = manager.tagger()
            return getattr(self._proxy, method)(*args)
        except EntityModelError:
            raise  # the server's own answer (CoreNLP missing, or dead twice): as it is
        except (OSError, EOFError) as error:
            self._proxy = None
            raise EntityModelError(
                f"the crawl's shared English tagger ({self.address}) is gone: {error}"
            ) from error
        except BaseException:
            # Interrupted mid-call (the stage's time budget): the answer may still come
            # on this connection, so the next call takes a new one.
            self._proxy = None
            raise


@cache
def connect(address: str) -> None:
    """Tag English in this process with the server at `address`, from its first
    English text on (the server's JVM starts then, if no other worker started it)."""
    use_english_ner(partial(_shared_ner, address))


def _shared_ner(address: str) -> CoreNLPNer:
    return CoreNLPNer(SharedTaggerClient(address))
