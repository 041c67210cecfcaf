"""Reading and converting rows in a worker process, ahead of the writer.

Converting and checking a row (region names, coordinate conversion, dating, the services'
rules) costs about as much CPU as writing it with its history. For large files a worker
process reads the file and converts it, batch after batch, while this process writes: the two
overlap. At most two converted batches wait in the queue, so memory stays flat; a worker whose
parent has gone away stops.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import queue
import traceback
from collections.abc import AsyncGenerator, Iterable, Iterator
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from heritage.transfer.mapping import Mapping, parse_mapping
from heritage.transfer.rows import PlannedRow, RowConverter
from heritage.transfer.sources import Format, Record, Source

#: Files larger than this are converted in a worker process (``workers="auto"``).
PARALLEL_THRESHOLD_BYTES = 4 * 1024 * 1024

#: A converted batch and the position in the file after it.
Converted = tuple[list[PlannedRow], int]

_WAIT_S = 1.0


class WorkerError(RuntimeError):
    """The conversion process failed; the message carries its traceback."""


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
    source: Source, converter: RowConverter, size: int
) -> AsyncGenerator[Converted, None]:
    """Batches read and converted here, one after the other."""
    for batch in batches(source.records(), size):
        yield [converter.convert(record) for record in batch], source.position


def _send(channel: Any, item: tuple[str, Any, int]) -> None:
    parent = multiprocessing.parent_process()
    while True:
        try:
            channel.put(item, timeout=_WAIT_S)
            return
        except queue.Full:
            if parent is not None and not parent.is_alive():
                os._exit(1)


def _produce(
    path: str,
    fmt: Format,
    encoding: str,
    delimiter: str,
    mapping: dict[str, Any],
    size: int,
    channel: Any,
) -> None:
    """The worker: read, convert, send batches; then ``done`` (or ``error``)."""
    try:
        converter = RowConverter(parse_mapping(mapping))
        with Source(Path(path), fmt, encoding, delimiter) as source:
            for batch in batches(source.records(), size):
                rows = [converter.convert(record) for record in batch]
                _send(channel, ("rows", rows, source.position))
        _send(channel, ("done", None, 0))
    except BaseException:
        _send(channel, ("error", traceback.format_exc(), 0))


def _receive(channel: Any, process: BaseProcess) -> tuple[str, Any, int]:
    while True:
        try:
            item: tuple[str, Any, int] = channel.get(timeout=_WAIT_S)
            return item
        except queue.Empty:
            if not process.is_alive():
                raise WorkerError(
                    f"the conversion process ended (exit code {process.exitcode})"
                ) from None


async def converted_in_worker(
    source: Source, mapping: Mapping, size: int
) -> AsyncGenerator[Converted, None]:
    """Batches of ``source``'s file, read and converted by a worker process."""
    context = multiprocessing.get_context("spawn")
    channel = context.Queue(maxsize=2)
    process = context.Process(
        target=_produce,
        args=(
            str(source.path),
            source.format,
            source.encoding,
            source.delimiter,
            mapping.model_dump(mode="python"),
            size,
            channel,
        ),
        daemon=True,
        name="heritage-import-conversion",
    )
    process.start()
    try:
        while True:
            kind, payload, position = await asyncio.to_thread(_receive, channel, process)
            if kind == "done":
                break
            if kind == "error":
                raise WorkerError(f"the conversion process failed:\n{payload}")
            yield payload, position
    finally:
        if process.is_alive():
            process.terminate()
        await asyncio.to_thread(process.join, 10)
        channel.close()
        channel.join_thread()
