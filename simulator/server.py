"""Serve a runtime's two faces over HTTP(S), in-process or on a thread of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass
from email.utils import format_datetime
import logging
from pathlib import Path
import ssl
import threading
import time
from typing import Any

from aiohttp import web

from .app_keys import HOST, OA_ALERTS, OA_PROJECT, OA_SESSIONS, RUNTIME, SOCKET_FACE
from .classic import handle_classic
from .control import add_control_routes
from .faults import fault_middleware
from .graphql_ws import UNIFIED_SOCKETS, handle_graphql_ws
from .oa_alerts import OaAlerts
from .oa_graphql import handle_oa_graphql, oa_sessions
from .oa_project import OaProject
from .oa_reporting import handle_reporting
from .oa_subscriptions import OA_SOCKETS
from .redundancy import lost_host_middleware
from .runtime import Runtime
from .unified import MAX_BODY_BYTES, handle_graphql_post

_LOGGER = logging.getLogger(__name__)

DEFAULT_UNIFIED_PORT = 4443
DEFAULT_CLASSIC_PORT = 34568
DEFAULT_PARTNER_PORT = 4444
# WinCC OA's web server serves REST Reporting on 8079 on Linux (443 on Windows).
DEFAULT_OA_REPORTING_PORT = 8079
# The WinCC OA GraphQL application example serves plain HTTP on 4000.
DEFAULT_OA_GRAPHQL_PORT = 4000
CLASSIC_BASE = "winccrestservice"
GRAPHQL = "/graphql"
GRAPHQL_SLASH = "/graphql/"


@web.middleware
async def log_requests(request: web.Request, handler: Any) -> web.StreamResponse:
    """Log every request at debug level; report the handling time in ``Server-Timing``."""
    started = time.perf_counter()
    response: web.StreamResponse = await handler(request)
    elapsed_ms = (time.perf_counter() - started) * 1000
    if not response.prepared:
        response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.2f}"
        # A real server's Date and its session expiry come from one clock.
        runtime: Runtime = request.app[RUNTIME]
        response.headers["Date"] = format_datetime(runtime.clock.now(), usegmt=True)
    _LOGGER.debug(
        "%s %s -> %s in %.1f ms", request.method, request.path, response.status, elapsed_ms
    )
    return response


def _application(runtime: Runtime, host: int = 0) -> web.Application:
    middlewares = [log_requests, fault_middleware(runtime.faults, runtime.rng)]
    if runtime.redundancy is not None:
        middlewares.insert(0, lost_host_middleware(runtime.redundancy, host))
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=middlewares)
    app[RUNTIME] = runtime
    app[HOST] = host
    add_control_routes(app)
    return app


async def _moved_to_slash(request: web.Request) -> web.StreamResponse:
    """As a V20 runtime answers ``/graphql``: moved permanently to ``/graphql/``."""
    raise web.HTTPMovedPermanently(GRAPHQL_SLASH)


def unified_app(runtime: Runtime, host: int = 0) -> web.Application:
    """The Unified face of one host: ``POST /graphql`` and the WebSocket on
    ``GET /graphql`` (or on ``/graphql/``, where ``/graphql`` redirects there)."""
    app = _application(runtime, host)
    app[SOCKET_FACE] = UNIFIED_SOCKETS
    path = GRAPHQL_SLASH if runtime.graphql_redirect else GRAPHQL
    app.router.add_post(path, handle_graphql_post)
    app.router.add_get(path, handle_graphql_ws)
    if runtime.graphql_redirect:
        app.router.add_route("*", GRAPHQL, _moved_to_slash)
    return app


async def _classic_entry(request: web.Request) -> web.StreamResponse:
    if request.match_info["base"].lower() != CLASSIC_BASE:
        return web.json_response({"error": "Not found"}, status=404)
    return await handle_classic(request)


def classic_app(runtime: Runtime) -> web.Application:
    """The classic face: ``/WinCCRestService/...`` under any casing."""
    app = _application(runtime)
    app.router.add_route("*", "/{base}/{tail:.*}", _classic_entry)
    return app


def oa_reporting_app(runtime: Runtime) -> web.Application:
    """The WinCC OA REST Reporting face: ``/reporting/{endpoint}``."""
    app = _application(runtime)
    app[OA_PROJECT] = OaProject(runtime.plant)
    app.router.add_get("/reporting/{endpoint}", handle_reporting)
    return app


def oa_graphql_app(runtime: Runtime, project: OaProject) -> web.Application:
    """The WinCC OA GraphQL application example's face: ``POST /graphql``."""
    app = _application(runtime)
    app[OA_PROJECT] = project
    app[OA_ALERTS] = OaAlerts(project)
    app[OA_SESSIONS] = oa_sessions(runtime)
    app[SOCKET_FACE] = OA_SOCKETS
    app.router.add_post(GRAPHQL, handle_oa_graphql)
    app.router.add_get(GRAPHQL, handle_graphql_ws)
    return app


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where the faces listen."""

    unified_url: str
    classic_url: str
    oa_reporting_url: str
    oa_graphql_url: str  # plain HTTP, as the application example serves it
    # The second host of a redundant pair, if the runtime has one.
    partner_url: str | None = None


class Simulator:
    """Both faces of one runtime, started on one event loop."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        host: str = "127.0.0.1",
        unified_port: int = DEFAULT_UNIFIED_PORT,
        classic_port: int = DEFAULT_CLASSIC_PORT,
        partner_port: int = DEFAULT_PARTNER_PORT,
        oa_reporting_port: int = DEFAULT_OA_REPORTING_PORT,
        oa_graphql_port: int = DEFAULT_OA_GRAPHQL_PORT,
        ssl_context: ssl.SSLContext | None = None,
        partner_ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """Prepare to serve; ports 0 pick free ports. The partner port serves the second
        host of a redundant runtime, with a certificate of its own if one is given."""
        self.runtime = runtime
        self._host = host
        self._ports = (unified_port, classic_port, oa_reporting_port, oa_graphql_port, partner_port)
        self._ssl = ssl_context
        self._partner_ssl = partner_ssl_context or ssl_context
        self._runners: list[web.AppRunner] = []

    async def start(self) -> Endpoints:
        """Listen on both ports and return their base URLs."""
        urls = []
        reporting = oa_reporting_app(self.runtime)
        apps = [
            unified_app(self.runtime),
            classic_app(self.runtime),
            reporting,
            oa_graphql_app(self.runtime, reporting[OA_PROJECT]),
        ]
        if self.runtime.redundancy is not None:
            apps.append(unified_app(self.runtime, host=1))
        contexts = (self._ssl, self._ssl, self._ssl, None, self._partner_ssl)
        for app, port, context in zip(apps, self._ports, contexts, strict=False):
            runner = web.AppRunner(app, handle_signals=False, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, self._host, port, ssl_context=context)
            await site.start()
            self._runners.append(runner)
            bound = runner.addresses[0][1]
            urls.append(f"{'https' if context else 'http'}://{self._host}:{bound}")
        return Endpoints(
            unified_url=urls[0],
            classic_url=f"{urls[1]}/WinCCRestService",
            oa_reporting_url=urls[2],
            oa_graphql_url=urls[3],
            partner_url=urls[4] if len(urls) > 4 else None,
        )

    def present(self, cert_path: Path, key_path: Path) -> None:
        """Present another certificate from now on, as a server restarted with a renewed
        certificate does: open connections are closed, new ones get the new one."""
        if self._ssl is None:
            raise ValueError("the simulator serves plain HTTP")
        self._ssl.load_cert_chain(cert_path, key_path)
        for runner in self._runners:
            server = runner.server
            for connection in list(server.connections if server else ()):
                connection.force_close()

    async def stop(self) -> None:
        """Stop listening and close open connections, subscription sockets first."""
        for ws in list(self.runtime.sockets):
            await ws.close(code=1001, message=b"Server shutting down")
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()


class LoopThread:
    """An event loop of its own, running in a background thread."""

    def __init__(self, name: str) -> None:
        """Prepare the loop; ``start`` runs it."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)

    def start(self) -> None:
        """Run the loop in its thread."""
        self._thread.start()

    def run[T](self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    def call[T](self, function: Callable[[], T]) -> T:
        """Run ``function`` on the loop and return its result."""
        future: Future[T] = Future()

        def run() -> None:
            try:
                future.set_result(function())
            except BaseException as err:  # noqa: BLE001 - handed back to the caller
                future.set_exception(err)

        self._loop.call_soon_threadsafe(run)
        return future.result(timeout=30)

    def close(self) -> None:
        """Stop the loop and end the thread."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()


class SimulatorThread:
    """A simulator on its own event loop in a background thread.

    Tests use it so the server's work never runs on Home Assistant's loop. ``call``
    runs a function on the simulator's loop, so the runtime is only ever touched there.
    """

    def __init__(self, simulator: Simulator) -> None:
        """Wrap a simulator that is not started yet."""
        self.simulator = simulator
        self.runtime = simulator.runtime
        self._loop = LoopThread("wincc-sim")
        self.endpoints: Endpoints | None = None

    def start(self) -> Endpoints:
        """Start the thread and the servers; return where they listen."""
        self._loop.start()
        self.endpoints = self._loop.run(self.simulator.start())
        return self.endpoints

    def call[T](self, function: Callable[[], T]) -> T:
        """Run ``function`` on the simulator's loop and return its result."""
        return self._loop.call(function)

    def stop(self) -> None:
        """Stop the servers and the thread."""
        self._loop.run(self.simulator.stop())
        self._loop.close()
