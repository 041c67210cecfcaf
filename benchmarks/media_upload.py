"""Throughput and server memory of ``POST /media`` with 12-megapixel photos.

Run with ``.venv/bin/python -m benchmarks.media_upload [--count 20] [--concurrency 1]``.

It starts the real server (``heritage serve``, uvicorn) in a child process on a temporary
SQLite registry and media store, creates a surveyor and a token with the ``heritage`` command,
then uploads the 12 MP phone-like JPEGs of :mod:`benchmarks.media_thumbnails` (generated once,
cached under ``.cache/bench/``) as multipart bodies streamed from disk, the whole path of an
upload: streaming parse, staging with hashing and fsync, validation with a full decode, EXIF,
the thumbnail, the row with its change record, the storage commit and the database commit.

Memory is the server process's resident set from ``/proc``: after one warm-up upload (imports,
thread pool, database connection), its peak is reset (``clear_refs``) and read again after the
run; the growth is what the uploads cost on top of an idle server. With ``--concurrency 1``
that growth is the memory one upload needs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.media_thumbnails import ensure_photos
from heritage.media import testing

MiB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def _reset_peak(pid: int) -> None:
    # Writing 5 resets the peak resident set (VmHWM) to the current one (Linux ≥ 4.0).
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _heritage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "heritage.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


async def _wait_until_up(client: httpx.AsyncClient, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            if (await client.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the server did not start within 30 s")


async def _upload(client: httpx.AsyncClient, token: str, path: Path) -> None:
    with path.open("rb") as body:  # httpx streams the file part from disk
        response = await client.post(
            "/media",
            files={"file": (path.name, body, "image/jpeg")},
            headers={"authorization": f"Bearer {token}"},
        )
    if response.status_code not in (200, 201):
        raise RuntimeError(f"upload of {path.name} failed: {response.status_code} {response.text}")


async def _run(
    paths: list[Path], concurrency: int, port: int, token: str, server: subprocess.Popen[bytes]
) -> None:
    pid = server.pid
    warm_up = tempfile.NamedTemporaryFile(suffix=".jpg", delete=False)  # noqa: SIM115
    warm_up.write(testing.jpeg((1600, 1200)))
    warm_up.close()
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=120, limits=limits
    ) as client:
        await _wait_until_up(client, server)
        await _upload(client, token, Path(warm_up.name))
        os.unlink(warm_up.name)
        idle_kib = _status_kib(pid, "VmRSS")
        _reset_peak(pid)
        gate = asyncio.Semaphore(concurrency)

        async def one(path: Path) -> None:
            async with gate:
                await _upload(client, token, path)

        started = time.perf_counter()
        await asyncio.gather(*(one(path) for path in paths))
        elapsed = time.perf_counter() - started
        peak_kib = _status_kib(pid, "VmHWM")
    total = sum(path.stat().st_size for path in paths)
    print(f"uploads:           {len(paths)} photos of 12 MP, {total / MiB:.1f} MiB in all")
    print(f"concurrency:       {concurrency}")
    rate = len(paths) / elapsed
    print(f"throughput:        {rate:.2f} uploads/s, {total / MiB / elapsed:.1f} MiB/s")
    print(f"server RSS idle:   {idle_kib / 1024:.1f} MiB (after one warm-up upload)")
    print(f"server RSS peak:   {peak_kib / 1024:.1f} MiB")
    growth = (peak_kib - idle_kib) / 1024
    per_upload = growth / concurrency
    print(f"peak RSS growth:   {growth:.1f} MiB ({per_upload:.1f} MiB per upload in flight)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=20, help="photos to upload (≤ 20)")
    parser.add_argument("--concurrency", type=int, default=1, help="uploads in flight at once")
    options = parser.parse_args()
    paths = ensure_photos()[: options.count]
    with tempfile.TemporaryDirectory(prefix="media-upload-bench-") as workdir:
        port = _free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("HERITAGE_")},
            "HERITAGE_DATABASE_URL": f"sqlite:///{workdir}/registry.sqlite3",
            "HERITAGE_MEDIA_ROOT": f"{workdir}/media",
            "HERITAGE_LOG_LEVEL": "WARNING",
        }
        _heritage(env, "db", "upgrade")
        _heritage(env, "user", "create", "bench", "--role", "surveyor")
        token = _heritage(env, "token", "create", "bench")
        server = subprocess.Popen(
            [sys.executable, "-m", "heritage.cli", "serve", "--port", str(port)], env=env
        )
        try:
            asyncio.run(_run(paths, options.concurrency, port, token, server))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
