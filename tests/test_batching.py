"""MicroBatcher: calls made close together become one batch call, and each caller
gets its own result, or the batch's error."""

from __future__ import annotations

import asyncio

import pytest

from crawler.batching import MicroBatcher
from crawler.workers import tag_fields, tag_fields_many


class Recorder:
    def __init__(self, fail: Exception | None = None, short: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.fail = fail
        self.short = short

    async def __call__(self, batch: list[int]) -> list[int]:
        self.batches.append(batch)
        await asyncio.sleep(0)
        if self.fail:
            raise self.fail
        return [n * 10 for n in batch][: -1 if self.short else None]


def test_calls_close_together_are_one_batch_and_each_gets_its_result() -> None:
    async def scenario() -> tuple[list[int], list[list[int]]]:
        recorder = Recorder()
        batcher = MicroBatcher(recorder, size=3, wait=60.0)
        results = await asyncio.gather(*(batcher.submit(n) for n in range(6)))
        return results, recorder.batches

    # A full batch goes at once: nothing waits for the 60 s timer (wait_for would fail).
    results, batches = asyncio.run(asyncio.wait_for(scenario(), 5.0))
    assert results == [0, 10, 20, 30, 40, 50]
    assert batches == [[0, 1, 2], [3, 4, 5]]


def test_a_lone_call_is_sent_after_the_wait() -> None:
    async def scenario() -> tuple[int, float, list[list[int]]]:
        recorder = Recorder()
        batcher = MicroBatcher(recorder, size=16, wait=0.05)
        loop = asyncio.get_running_loop()
        started = loop.time()
        result = await batcher.submit(4)
        return result, loop.time() - started, recorder.batches

    result, waited, batches = asyncio.run(scenario())
    assert result == 40 and batches == [[4]]
    assert waited >= 0.05  # held for the others that might come


def test_a_batch_error_reaches_every_caller() -> None:
    async def scenario() -> list[object]:
        batcher = MicroBatcher(Recorder(fail=TimeoutError("over 60 s")), size=2, wait=0.01)
        return await asyncio.gather(*(batcher.submit(n) for n in range(3)), return_exceptions=True)

    results = asyncio.run(scenario())
    assert [type(r) for r in results] == [TimeoutError] * 3
    assert all("over 60 s" in str(r) for r in results)


def test_a_batch_with_too_few_results_is_an_error_not_a_shift() -> None:
    async def scenario() -> list[object]:
        batcher = MicroBatcher(Recorder(short=True), size=2, wait=0.01)
        return await asyncio.gather(*(batcher.submit(n) for n in range(2)), return_exceptions=True)

    results = asyncio.run(scenario())
    assert all(isinstance(r, RuntimeError) and "gave 1 results" in str(r) for r in results)


@pytest.mark.parametrize(("size", "wait"), [(0, 0.1), (4, -1.0)])
def test_a_batch_without_room_or_with_negative_wait_is_refused(size: int, wait: float) -> None:
    with pytest.raises(ValueError, match="size >= 1 and wait >= 0"):
        MicroBatcher(Recorder(), size=size, wait=wait)


def test_a_batch_of_chinese_articles_is_tagged_as_each_alone() -> None:
    """What the crawl's batches give (LAC over all their sentences) is what one
    article per call gives; the byline stays each article's own."""
    articles = [
        ("记者李华报道：王敏五岁时在山西太原被拐卖，1997年家人开始寻找。", "zh", ["李华"]),
        ("警方说，张伟和王敏在广州火车站被找到。", "zh", []),
        ("山西省公安厅通报，2019年以来解救被拐儿童三百余名。", "zh", []),
        ("The boy was taken in Shanxi in 1997.", "en", []),
    ]
    fields = ("places", "years")
    alone = [tag_fields(text, language, authors, fields) for text, language, authors in articles]
    assert tag_fields_many(articles, fields) == alone
    chinese = [a for a in articles if a[1] == "zh"]
    named = tag_fields_many(chinese, ("names", "places", "years"))
    assert named == [tag_fields(*a, ("names", "places", "years")) for a in chinese]
    assert "李华" not in named[0].names and named[0].names  # the byline is not a name here
    assert any(place.name == "Shanxi" for place in named[2].places)
