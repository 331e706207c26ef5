"""A long run at a fast interval: does memory stay flat, and does anything fail?

Starts wincc-sim in its own process (real clock: its synthetic tags move by
themselves) and a real Home Assistant core with one entry of 2,000 tags polled every
second, for a bounded time. It prints RSS after a warm-up and at the end, the growth,
the polls made, the failed polls, and the warnings and errors the integration logged.

Usage: .venv/bin/python -m benchmarks.soak [--minutes 10] [--tags 2000] [--server unified]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path
import tempfile
import time

from benchmarks.home_assistant import home_assistant, load_entry
from benchmarks.loop_meter import rss_mib
from benchmarks.poll_cycle import tag_configs
from benchmarks.sim_process import start_simulator
from custom_components.wincc.options import EntryOptions
from simulator.certificate import ensure_certificate

WARM_UP_SECONDS = 60


class Complaints(logging.Handler):
    """Counts the warnings and errors the integration logs, and keeps the first few."""

    def __init__(self) -> None:
        """Nothing heard yet."""
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Count one, and keep it if it is among the first five."""
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.levelname} {record.name}: {record.getMessage()}")


async def run(minutes: float, tags: int, server_type: str) -> None:
    """Start both, poll for ``minutes``, print memory and failures."""
    state_dir = Path(tempfile.mkdtemp(prefix="wincc-soak-"))
    certificate = ensure_certificate(state_dir)
    process, unified_port, classic_port = await start_simulator(state_dir, tags)
    port = unified_port if server_type == "unified" else classic_port
    complaints = Complaints()
    logging.getLogger("custom_components.wincc").addHandler(complaints)
    try:
        async with home_assistant() as hass:
            options = EntryOptions(scan_interval=1, push=False, alarms=False).with_tags(
                tag_configs(server_type, tags)
            )
            entry = await load_entry(
                hass,
                server_type,
                f"https://127.0.0.1:{port}",
                certificate.fingerprint,
                options,
                "Soak",
            )
            coordinator = entry.runtime_data.coordinator
            polls = failed = 0

            def count() -> None:
                nonlocal polls, failed
                polls += 1
                failed += not coordinator.last_update_success

            stop = coordinator.async_add_listener(count)
            await asyncio.sleep(min(WARM_UP_SECONDS, minutes * 60 / 2))
            warm = rss_mib()
            deadline = time.monotonic() + minutes * 60
            while time.monotonic() < deadline:  # noqa: ASYNC110 - sampling, not waiting
                await asyncio.sleep(5)
            end = rss_mib()
            stop()
            await hass.config_entries.async_unload(entry.entry_id)
    finally:
        process.terminate()
        await process.wait()
    print(f"soak: {server_type}, {tags} tags every second, {minutes} min after warm-up")
    print(f"RSS warm {warm:.1f} MiB, end {end:.1f} MiB, growth {(end / warm - 1) * 100:+.1f} %")
    print(f"polls {polls}, failed {failed}, warnings and errors logged {complaints.count}")
    for line in complaints.first:
        print(f"  {line}")


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--tags", type=int, default=2000)
    parser.add_argument("--server", choices=("unified", "classic"), default="unified")
    args = parser.parse_args()
    asyncio.run(run(args.minutes, args.tags, args.server))


if __name__ == "__main__":
    main()
