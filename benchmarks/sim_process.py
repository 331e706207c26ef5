"""wincc-sim in a process of its own (so it does not share the benchmark's GIL), and the
floor: the same chunked requests with bare aiohttp, only decoding the JSON."""

from __future__ import annotations

import asyncio
from pathlib import Path
import socket
import ssl
import sys
from typing import Any

import aiohttp
import orjson

CONCURRENCY = 4  # the client's default number of requests in flight


async def bare_reads(
    session: aiohttp.ClientSession,
    url: str,
    bodies: list[bytes],
    headers: dict[str, str],
    *,
    context: ssl.SSLContext | bool,
) -> list[Any]:
    """POST each body, at most ``CONCURRENCY`` at a time; the decoded answers."""
    slots = asyncio.Semaphore(CONCURRENCY)

    async def one(body: bytes) -> Any:
        async with slots, session.post(url, data=body, headers=headers, ssl=context) as response:
            return orjson.loads(await response.read())

    return await asyncio.gather(*(one(body) for body in bodies))


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def start_simulator(
    state_dir: Path, extra_tags: int, *options: str
) -> tuple[asyncio.subprocess.Process, int, int]:
    """Start wincc-sim with ``extra_tags`` synthetic tags; its process and both ports."""
    unified_port, classic_port = free_port(), free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--extra-tags",
        str(extra_tags),
        "--history-hours",
        "0",
        "--unified-port",
        str(unified_port),
        "--classic-port",
        str(classic_port),
        "--state-dir",
        str(state_dir),
        "--log-level",
        "WARNING",
        *options,
        stdout=asyncio.subprocess.DEVNULL,
    )
    try:
        await listening(classic_port)
    except RuntimeError:
        process.kill()
        raise
    return process, unified_port, classic_port


async def listening(port: int) -> None:
    """Wait (at most 20 s) until something listens on ``port`` on loopback."""
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise RuntimeError(f"nothing listens on port {port}")
