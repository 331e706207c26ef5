"""Failover of a redundant WinCC Unified pair, as the client sees it.

Starts wincc-sim as a separate process with a redundant pair (HTTPS, real clock) and
follows it with the pair client. It prints:

- a read of one tag while nothing happens (median);
- the read that meets a lost active host, which the client answers from the partner
  after asking it for its role (median and worst of ``--rounds``);
- for push, the time from a switchover until the subscriptions run again on the new
  active host (median and worst).

Usage: .venv/bin/python -m benchmarks.failover [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path
import statistics
import tempfile
import time
from typing import Any

import aiohttp

from benchmarks.sim_process import free_port, listening, start_simulator
from custom_components.wincc.client import (
    AlarmNotification,
    Backoff,
    ServerAddress,
    TagValue,
    TlsSettings,
    UnifiedPairClient,
    WinCCError,
)
from simulator.certificate import ensure_certificate

TAG = "HMI_RT_1::Tank1_Level"


class _Started:
    """A push handler that counts (re)starts."""

    def __init__(self) -> None:
        self.started = asyncio.Event()

    def pushed_values(self, values: Sequence[TagValue]) -> None:
        """Values are not timed here."""

    def pushed_alarms(self, notifications: Sequence[AlarmNotification]) -> None:
        """Alarms are not timed here."""

    def push_started(self) -> None:
        self.started.set()

    def push_lost(self, error: WinCCError) -> None:
        """Losses are expected."""


async def _control(session: aiohttp.ClientSession, base: str, body: dict[str, Any]) -> Any:
    async with session.post(f"{base}/_sim/redundancy", json=body, ssl=False) as response:
        response.raise_for_status()
        return await response.json()


async def _run(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as state:
        certificate = ensure_certificate(Path(state))
        partner_port = free_port()
        process, unified_port, _ = await start_simulator(
            Path(state), 0, "--redundant", "--partner-port", str(partner_port)
        )
        await listening(partner_port)
        pin = TlsSettings(fingerprint=certificate.fingerprint).ssl_argument()
        hosts = [f"https://127.0.0.1:{port}" for port in (unified_port, partner_port)]
        try:
            async with aiohttp.ClientSession() as session:
                client = UnifiedPairClient(
                    session,
                    ServerAddress("127.0.0.1", unified_port, ssl=pin),
                    ServerAddress("127.0.0.1", partner_port, ssl=pin),
                    "operator",
                    "operator",
                )
                await client.login()
                steady = []
                for _ in range(50):
                    started = time.perf_counter()
                    await client.read([TAG])
                    steady.append(time.perf_counter() - started)
                failovers = []
                for _ in range(rounds):
                    active = hosts.index(client.active_host)
                    await _control(session, hosts[1 - active], {"lose": active})
                    started = time.perf_counter()
                    await client.read([TAG])
                    failovers.append(time.perf_counter() - started)
                    await _control(session, hosts[1 - active], {"restore": active})
                handler = _Started()
                feed = client.push(handler, [TAG], None, backoff=Backoff(first=0.05, cap=0.2))
                task = asyncio.create_task(feed.run())
                await handler.started.wait()
                resumed = []
                for _ in range(rounds):
                    handler.started.clear()
                    started = time.perf_counter()
                    await _control(session, hosts[0], {"switch_over": True})
                    await handler.started.wait()
                    resumed.append(time.perf_counter() - started)
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                await client.close()
        finally:
            process.terminate()
            await process.wait()
    print(f"read, steady:             median {statistics.median(steady) * 1000:7.1f} ms")
    print(
        f"read meeting a lost host: median {statistics.median(failovers) * 1000:7.1f} ms, "
        f"worst {max(failovers) * 1000:7.1f} ms ({rounds} rounds)"
    )
    print(
        f"push after a switchover:  median {statistics.median(resumed) * 1000:7.1f} ms, "
        f"worst {max(resumed) * 1000:7.1f} ms ({rounds} rounds)"
    )


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    asyncio.run(_run(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
