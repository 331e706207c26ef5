"""Fixtures shared by every test: wincc-sim on its own thread, over loopback HTTPS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
import ssl

from aiohttp import web
import pytest

from simulator.certificate import Certificate, ensure_certificate
from simulator.clock import Clock
from simulator.runtime import Runtime, RuntimeOptions
from simulator.server import Endpoints, LoopThread, Simulator, SimulatorThread

# Every simulated plant in the tests starts at this moment, on a frozen clock.
SIM_START = datetime(2026, 5, 1, 10, 0, 0, tzinfo=UTC)


class SimHandle:
    """A running simulator and the operations tests perform on it."""

    def __init__(self, thread: SimulatorThread, endpoints: Endpoints, certificate: Certificate):
        """Wrap a started simulator thread."""
        self.thread = thread
        self.runtime = thread.runtime
        self.unified_url = endpoints.unified_url
        self.graphql_url = f"{endpoints.unified_url}/graphql"
        self.classic_url = endpoints.classic_url
        self.oa_reporting_url = endpoints.oa_reporting_url
        self.oa_graphql_url = endpoints.oa_graphql_url
        self.partner_url = endpoints.partner_url  # a redundant pair's second host
        self.certificate = certificate

    def advance(self, seconds: float) -> None:
        """Move simulated time forward and let the plant catch up."""

        def step() -> None:
            self.runtime.clock.advance(seconds)
            self.runtime.plant.advance()

        self.thread.call(step)

    def write(self, tag: str, value: object) -> None:
        """Write a tag as an operator at the plant would."""
        self.thread.call(lambda: self.runtime.plant.write(tag, value))

    def faults(self, **changes: object) -> None:
        """Change fault settings."""
        self.thread.call(lambda: self.runtime.faults.update(changes))

    def acknowledge_at_station(self, alarm: str, instance_id: int) -> None:
        """Acknowledge an alarm instance as an operator at a WinCC station would."""
        self.thread.call(
            lambda: self.runtime.plant.alarms.acknowledge(
                alarm, instance_id, self.runtime.plant.time, "op"
            )
        )

    def controller_clock_behind(self, seconds: float) -> None:
        """Stamp alarms by a controller clock that runs ``seconds`` behind the server's."""
        self.thread.call(
            lambda: setattr(
                self.runtime.plant, "controller_clock_behind", timedelta(seconds=seconds)
            )
        )

    def redundancy(
        self, *, switch_over: bool = False, lose: int | None = None, restore: int | None = None
    ) -> None:
        """Drive the redundant pair: switch over, lose a host, or bring one back."""
        pair = self.runtime.redundancy
        assert pair is not None

        def drive() -> None:
            if switch_over:
                pair.switch_over()
            if lose is not None:
                pair.lose(lose)
            if restore is not None:
                pair.restore(restore)

        self.thread.call(drive)

    def rename(self, tag: str, new: str) -> None:
        """Rename a tag, as an engineer changing the project would."""
        self.thread.call(lambda: self.runtime.plant.rename_tag(tag, new))

    def value(self, tag: str) -> object:
        """A tag's current value, read directly from the plant."""
        return self.thread.call(lambda: self.runtime.plant.read(tag).value)


@pytest.fixture(scope="session")
def sim_certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """The simulator's self-signed certificate, made once per test session."""
    return ensure_certificate(tmp_path_factory.mktemp("wincc-sim"))


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """How the simulated runtime is built; override in a module for other plants."""
    return RuntimeOptions()


@contextmanager
def running_simulator(
    certificate: Certificate, options: RuntimeOptions, partner: Certificate | None = None
) -> Iterator[SimHandle]:
    """A fresh wincc-sim on free loopback ports, serving HTTPS on a thread of its own
    (a redundant partner host with a certificate of its own, if one is given)."""
    runtime = Runtime(Clock(frozen_at=SIM_START), options)
    simulator = Simulator(
        runtime,
        unified_port=0,
        classic_port=0,
        partner_port=0,
        oa_reporting_port=0,
        oa_graphql_port=0,
        ssl_context=certificate.server_context(),
        partner_ssl_context=partner.server_context() if partner else None,
    )
    thread = SimulatorThread(simulator)
    endpoints = thread.start()
    try:
        yield SimHandle(thread, endpoints, certificate)
    finally:
        thread.stop()


@pytest.fixture
def wincc_sim(
    socket_enabled: None, sim_certificate: Certificate, sim_options: RuntimeOptions
) -> Iterator[SimHandle]:
    """The test's wincc-sim."""
    with running_simulator(sim_certificate, sim_options) as sim:
        yield sim


@pytest.fixture
def sim_ssl(sim_certificate: Certificate) -> ssl.SSLContext:
    """A client TLS context that trusts the simulator's certificate."""
    return ssl.create_default_context(cafile=str(sim_certificate.cert_path))


class AppThread:
    """Any aiohttp application served on its own event loop in a background thread."""

    def __init__(self, app: web.Application, ssl_context: ssl.SSLContext | None = None) -> None:
        """Serve ``app`` on a free loopback port once started."""
        self._app = app
        self._ssl = ssl_context
        self._loop = LoopThread("test-server")
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def _start(self) -> int:
        self._runner = web.AppRunner(self._app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self._ssl).start()
        port: int = self._runner.addresses[0][1]
        return port

    def __enter__(self) -> AppThread:
        """Start serving."""
        self._loop.start()
        self.port = self._loop.run(self._start())
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop serving and end the thread."""
        if self._runner is not None:
            self._loop.run(self._runner.cleanup())
        self._loop.close()
