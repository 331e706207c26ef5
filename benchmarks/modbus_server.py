"""A Modbus TCP server for the peer benchmark, in a process of its own.

It serves ``--registers`` registers from address 0 on device 1. The first
``--changing`` of them take new values every ``--every`` seconds, so the peer's polls
find as many changes as the integration's do.

Usage: python -m benchmarks.modbus_server --port 5020 --registers 10000 --changing 100
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import time

from pymodbus.server import StartAsyncTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice


def _values_now(changing: int, every: float) -> Callable[..., Awaitable[None]]:
    """An action that shows the first ``changing`` registers at this turn's values."""

    async def action(
        _function_code: int,
        start_address: int,
        address: int,
        count: int,
        current_registers: list[int],
        _set_values: object,
    ) -> None:
        turn = int(time.monotonic() / every)
        for register in range(address, min(address + count, changing)):
            current_registers[register - start_address] = (turn + register) % 30_000

    return action


async def serve(port: int, registers: int, changing: int, every: float) -> None:
    """Serve until cancelled."""
    device = SimDevice(
        1,
        simdata=SimData(0, count=registers, values=0, datatype=DataType.REGISTERS),
        action=_values_now(changing, every),
    )
    await StartAsyncTcpServer(context=device, address=("127.0.0.1", port))


def main() -> None:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--registers", type=int, default=10_000)
    parser.add_argument("--changing", type=int, default=0)
    parser.add_argument("--every", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.registers, args.changing, args.every))


if __name__ == "__main__":
    main()
