"""Reading and converting rows in worker processes, ahead of the writer.

Converting and checking a row (region names, coordinate conversion, dating, the services'
rules) costs more CPU than writing it with its history. For large files worker processes read
the file and convert it while this process writes. With *n* workers, worker *k* converts
batches *k*, *k + n*, *k + 2n* … (each reads the whole file, which is cheap next to converting
it) and the writer takes the batches back in file order. At most two converted batches wait
per worker, so memory stays flat; a worker whose parent has gone away stops.
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
    share: tuple[int, int],
    channel: Any,
) -> None:
    """Worker ``k`` of ``n`` (``share``): read, convert its batches, send them; then ``done``
    (or ``error``)."""
    own, workers = share
    try:
        converter = RowConverter(parse_mapping(mapping))
        with Source(Path(path), fmt, encoding, delimiter) as source:
            for index, batch in enumerate(batches(source.records(), size)):
                if index % workers != own:
                    continue
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


def default_workers() -> int:
    """Conversion processes for a large file: two where there are two CPUs or more.

    Two workers pay off even on two CPUs: the writer waits on the database part of the time.
    """
    return 2 if (os.cpu_count() or 1) >= 2 else 1


async def converted_in_workers(
    source: Source, mapping: Mapping, size: int, workers: int
) -> AsyncGenerator[Converted, None]:
    """Batches of ``source``'s file, read and converted by ``workers`` processes, in order."""
    context = multiprocessing.get_context("spawn")
    settings = mapping.model_dump(mode="python")
    channels = [context.Queue(maxsize=2) for _ in range(workers)]
    processes = [
        context.Process(
            target=_produce,
            args=(
                str(source.path),
                source.format,
                source.encoding,
                source.delimiter,
                settings,
                size,
                (own, workers),
                channels[own],
            ),
            daemon=True,
            name=f"heritage-import-conversion-{own}",
        )
        for own in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        index = 0
        while True:
            own = index % workers
            kind, payload, position = await asyncio.to_thread(
                _receive, channels[own], processes[own]
            )
            if kind == "done":
                break  # batch ``index`` does not exist: the file has ended
            if kind == "error":
                raise WorkerError(f"the conversion process failed:\n{payload}")
            yield payload, position
            index += 1
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            await asyncio.to_thread(process.join, 10)
        for channel in channels:
            channel.close()
            channel.join_thread()
