"""The client's overhead over bare HTTP, for reads of 1,000 and 10,000 tags.

Starts wincc-sim as a separate process (so it does not share this process's GIL) over
HTTPS with 10,000 synthetic tags. For each size and
backend it reads every tag through the client (parsing into ``TagValue`` models), and,
in the same run, sends the very same chunked requests with bare aiohttp and only
decodes the JSON. The ratio of the medians is the client's overhead.

Usage: .venv/bin/python -m benchmarks.client_reads [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
import ssl
import statistics
import tempfile
import time
from typing import Any

import aiohttp
import orjson

from benchmarks.sim_process import bare_reads, start_simulator
from custom_components.wincc.client import ClassicClient, ServerAddress, UnifiedClient
from custom_components.wincc.client.parsing import chunked
from custom_components.wincc.client.unified import TAG_VALUES
from simulator.certificate import ensure_certificate

TAGS = 10_000
CHUNK = 1000


async def _median_ms(rounds: int, action: Callable[[], Awaitable[Any]]) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        await action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


async def run(rounds: int) -> None:
    """Start the simulator and print client and bare timings side by side."""
    state_dir = Path(tempfile.mkdtemp(prefix="wincc-bench-"))
    certificate = ensure_certificate(state_dir)
    context = ssl.create_default_context(cafile=str(certificate.cert_path))
    process, unified_port, classic_port = await start_simulator(state_dir, TAGS)
    host = "127.0.0.1"
    unified_url = f"https://{host}:{unified_port}"
    classic_url = f"https://{host}:{classic_port}/WinCCRestService"
    print(
        "client read vs bare aiohttp + JSON decode: "
        f"median of {rounds} rounds, {CHUNK} tags per request"
    )
    try:
        async with aiohttp.ClientSession() as session:
            unified = UnifiedClient(
                session,
                ServerAddress(host, unified_port, ssl=context),
                "operator",
                "operator",
                chunk_size=CHUNK,
            )
            classic = ClassicClient(
                session,
                ServerAddress(host, classic_port, ssl=context),
                "operator",
                "operator",
                chunk_size=CHUNK,
            )
            await unified.login()
            token = unified._token  # noqa: SLF001 - the bare requests reuse the client's session
            for size in (1_000, 10_000):
                unified_names = [f"HMI_RT_1::Extra_{i:05d}" for i in range(1, size + 1)]
                classic_names = [f"Extra_{i:05d}" for i in range(1, size + 1)]
                unified_bodies = [
                    orjson.dumps({"query": TAG_VALUES, "variables": {"n": list(c)}})
                    for c in chunked(unified_names, CHUNK)
                ]
                classic_bodies = [
                    orjson.dumps({"variableNames": list(c)}) for c in chunked(classic_names, CHUNK)
                ]
                for face, client_read, bare in (
                    (
                        "Unified",
                        lambda n=unified_names: unified.read(n),
                        lambda b=unified_bodies: bare_reads(
                            session,
                            unified_url + "/graphql",
                            b,
                            {
                                "Authorization": f"Bearer {token}",
                                "Content-Type": "application/json",
                            },
                            context=context,
                        ),
                    ),
                    (
                        "classic",
                        lambda n=classic_names: classic.read(n),
                        lambda b=classic_bodies: bare_reads(
                            session,
                            classic_url + "/tagManagement/Values",
                            b,
                            {
                                "Authorization": aiohttp.encode_basic_auth("operator", "operator"),
                                "Content-Type": "application/json",
                            },
                            context=context,
                        ),
                    ),
                ):
                    await client_read()  # warm up
                    client_ms = await _median_ms(rounds, client_read)
                    bare_ms = await _median_ms(rounds, bare)
                    print(
                        f"{face:<8} {size:>6} tags  client {client_ms:8.1f} ms  "
                        f"bare {bare_ms:8.1f} ms  overhead x{client_ms / bare_ms:4.2f}"
                    )
            await unified.close()
    finally:
        process.terminate()
        await process.wait()


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(run(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
