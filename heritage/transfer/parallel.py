"""Converting rows in a worker process, one batch ahead of the writer.

Converting and checking a row (region names, coordinate conversion, dating, the services'
rules) costs about as much CPU as writing it with its history. For large files the conversion
runs in a separate process, so the two overlap: while batch *n* is written, batch *n + 1* is
converted. Batches go in order, at most two are in flight, so memory stays flat.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import AsyncGenerator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from heritage.transfer.mapping import Mapping, parse_mapping
from heritage.transfer.rows import PlannedRow, RowConverter
from heritage.transfer.sources import Record

#: Files larger than this are converted in a worker process (``workers="auto"``).
PARALLEL_THRESHOLD_BYTES = 4 * 1024 * 1024

_converter: RowConverter | None = None


def _start_worker(mapping: dict[str, Any]) -> None:
    global _converter
    _converter = RowConverter(parse_mapping(mapping))


def _convert_batch(records: list[Record]) -> list[PlannedRow]:
    assert _converter is not None, "worker not initialised"
    return [_converter.convert(record) for record in records]


def batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    """``records`` in lists of ``size``."""
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


async def converted_in_process(
    records: Iterable[Record], converter: RowConverter, size: int
) -> AsyncGenerator[list[PlannedRow], None]:
    """Batches converted here, one after the other."""
    for batch in batches(records, size):
        yield [converter.convert(record) for record in batch]


async def converted_in_worker(
    records: Iterable[Record], mapping: Mapping, size: int
) -> AsyncGenerator[list[PlannedRow], None]:
    """Batches converted by a worker process while the previous batch is being written."""
    loop = asyncio.get_running_loop()
    executor = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(mapping.model_dump(mode="python"),),
    )
    try:
        pending: asyncio.Future[list[PlannedRow]] | None = None
        for batch in batches(records, size):
            submitted = loop.run_in_executor(executor, _convert_batch, batch)
            if pending is not None:
                yield await pending
            pending = submitted
        if pending is not None:
            yield await pending
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
