"""Changes wincc-sim's synthetic tags on a schedule, from a process of its own (so the
measured Home Assistant loop does not pay for it).

Usage: python -m benchmarks.sim_changer BASE_URL COUNT EVERY_SECONDS
"""

from __future__ import annotations

import asyncio
import sys

import aiohttp

from benchmarks.synthetic import changed_values


async def change(base: str, count: int, every: float) -> None:
    """Write new values to the first ``count`` synthetic tags every ``every`` seconds."""
    async with aiohttp.ClientSession() as session:
        turn = 0
        while True:
            await asyncio.sleep(every)
            turn += 1
            if count:
                async with session.post(
                    f"{base}/_sim/tags", json={"values": changed_values(count, turn)}, ssl=False
                ) as answer:
                    answer.raise_for_status()


def main() -> None:
    """Run until killed."""
    base, count, every = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    asyncio.run(change(base, count, every))


if __name__ == "__main__":
    main()
