"""The ``wincc-sim`` command: serve the demo plant over both WinCC APIs."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
import logging
from pathlib import Path
import sys

from .certificate import ensure_certificate
from .clock import Clock
from .faults import Faults
from .runtime import Runtime, RuntimeOptions
from .server import (
    DEFAULT_CLASSIC_PORT,
    DEFAULT_OA_GRAPHQL_PORT,
    DEFAULT_OA_REPORTING_PORT,
    DEFAULT_PARTNER_PORT,
    DEFAULT_UNIFIED_PORT,
    Simulator,
)
from .users import DEMO_USERS, load_users

EPILOG = """\
demo users (change them with --users FILE):
  operator / operator   read, write and acknowledge
  viewer   / viewer     read only (writes get 403, or error code 1 in GraphQL)
  guest    / guest      no right to use the REST or GraphQL interface
  engineer / engineer   every right but the Openness runtime right (matters with v20)

control endpoints (on both ports, no credentials):
  GET  /_sim/state                  clock, faults, counts
  PUT  /_sim/faults                 e.g. {"error_rate": 0.2, "error_status": 503}
  POST /_sim/sessions/invalidate    end every Unified session now
  POST /_sim/restart                restart the runtime (sessions, alarm instances)
  POST /_sim/pause | /_sim/resume   stop and start the runtime (503 while stopped)
  POST /_sim/clock/advance          {"seconds": 60}
  POST /_sim/tags/{name}            {"value": 95} and/or {"quality": 8}
  PUT  /_sim/users/{name}           {"password": "new"} (as if changed on the server)
"""


def build_parser() -> argparse.ArgumentParser:
    """The command line interface."""
    parser = argparse.ArgumentParser(
        prog="wincc-sim",
        description="A simulator of the WinCC Unified GraphQL API and the WinCC V7.5/V8 "
        "REST service, driven by one demo plant.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--unified-port", type=int, default=DEFAULT_UNIFIED_PORT)
    parser.add_argument("--classic-port", type=int, default=DEFAULT_CLASSIC_PORT)
    parser.add_argument(
        "--oa-reporting-port",
        type=int,
        default=DEFAULT_OA_REPORTING_PORT,
        help="WinCC OA REST Reporting (OA's Linux default)",
    )
    parser.add_argument(
        "--oa-graphql-port",
        type=int,
        default=DEFAULT_OA_GRAPHQL_PORT,
        help="WinCC OA GraphQL application example (plain HTTP, as it serves)",
    )
    parser.add_argument("--plain-http", action="store_true", help="serve HTTP, not HTTPS")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path.home() / ".wincc-sim",
        help="where the TLS certificate is kept (default: ~/.wincc-sim)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for measurement noise")
    parser.add_argument(
        "--extra-tags", type=int, default=0, metavar="N", help="add N synthetic tags"
    )
    parser.add_argument("--users", type=Path, metavar="FILE", help="YAML file of users")
    parser.add_argument(
        "--history-hours",
        type=float,
        default=1.0,
        help="simulate this much plant history before serving (default: 1)",
    )
    parser.add_argument(
        "--token-lifetime", type=int, default=900, help="Unified session lifetime in seconds"
    )
    parser.add_argument(
        "--frozen-clock",
        action="store_true",
        help="time stands still until POST /_sim/clock/advance; values change when written",
    )
    parser.add_argument(
        "--redundant",
        action="store_true",
        help="a second Unified host on --partner-port, paired with the first "
        "(reduState; switch over with POST /_sim/redundancy)",
    )
    parser.add_argument("--partner-port", type=int, default=DEFAULT_PARTNER_PORT)
    parser.add_argument(
        "--no-alarm-logging",
        action="store_true",
        help="classic face without alarm logging, as WinCC V7.5 (404 on alarmLogging/...)",
    )
    real = parser.add_argument_group("as real servers answer (docs/simulator.md)")
    real.add_argument(
        "--profile",
        choices=("v20", "v75"),
        help="v20: all of the WinCC Unified V20 behaviours below, and 75-minute tokens; "
        "v75: the classic face as WinCC V7.5 SP2 (no alarm logging)",
    )
    real.add_argument(
        "--localhost-certificate",
        action="store_true",
        help="serve a certificate issued for localhost only",
    )
    real.add_argument(
        "--graphql-redirect", action="store_true", help="/graphql answers 301 to /graphql/"
    )
    real.add_argument(
        "--require-preflight",
        action="store_true",
        help="refuse a POST without the apollo-require-preflight header (400)",
    )
    real.add_argument(
        "--openness-right",
        action="store_true",
        help="tag reads and writes answer FORBIDDEN to users without the Openness runtime right",
    )
    faults = parser.add_argument_group("faults (also settable at run time: PUT /_sim/faults)")
    faults.add_argument("--latency-ms", type=float, default=0.0)
    faults.add_argument("--jitter-ms", type=float, default=0.0)
    faults.add_argument("--error-rate", type=float, default=0.0)
    faults.add_argument("--error-status", type=int, choices=(500, 503), default=500)
    faults.add_argument("--drop-rate", type=float, default=0.0)
    faults.add_argument("--malformed-rate", type=float, default=0.0)
    faults.add_argument("--paused", action="store_true", help="start with the runtime stopped")
    parser.add_argument("--log-level", default="INFO", help="DEBUG logs every request")
    return parser


V20_TOKEN_LIFETIME = 75 * 60


def runtime_from(args: argparse.Namespace) -> Runtime:
    """The simulated runtime the arguments describe."""
    v20 = args.profile == "v20"
    faults = Faults(
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        error_rate=args.error_rate,
        error_status=args.error_status,
        drop_rate=args.drop_rate,
        malformed_rate=args.malformed_rate,
        paused=args.paused,
    )
    faults.validate()
    return Runtime(
        Clock(frozen_at=datetime.now(UTC)) if args.frozen_clock else Clock(),
        RuntimeOptions(
            seed=args.seed,
            extra_tags=args.extra_tags,
            token_lifetime=timedelta(seconds=V20_TOKEN_LIFETIME if v20 else args.token_lifetime),
            history_prefill=timedelta(hours=args.history_hours),
            alarm_logging=not (args.no_alarm_logging or args.profile == "v75"),
            graphql_redirect=v20 or args.graphql_redirect,
            require_preflight=v20 or args.require_preflight,
            openness_right=v20 or args.openness_right,
            redundant=args.redundant,
            users=load_users(args.users) if args.users else DEMO_USERS,
            faults=faults,
        ),
    )


async def serve(args: argparse.Namespace) -> None:
    """Start the simulator and serve until cancelled."""
    runtime = runtime_from(args)
    localhost_only = args.localhost_certificate or args.profile == "v20"
    certificate = (
        None
        if args.plain_http
        else ensure_certificate(args.state_dir, localhost_only=localhost_only)
    )
    simulator = Simulator(
        runtime,
        host=args.host,
        unified_port=args.unified_port,
        classic_port=args.classic_port,
        partner_port=args.partner_port,
        oa_reporting_port=args.oa_reporting_port,
        oa_graphql_port=args.oa_graphql_port,
        ssl_context=certificate.server_context() if certificate else None,
    )
    endpoints = await simulator.start()
    print(f"wincc-sim: {len(runtime.plant.definitions)} tags, system {runtime.system}")
    print(f"  WinCC Unified (GraphQL):   {endpoints.unified_url}/graphql")
    print(f"  WinCC V7/V8 (REST):        {endpoints.classic_url}")
    print(f"  WinCC OA (REST Reporting): {endpoints.oa_reporting_url}/reporting")
    print(f"  WinCC OA (GraphQL):        {endpoints.oa_graphql_url}/graphql")
    if endpoints.partner_url:
        print(f"  redundant partner:         {endpoints.partner_url}/graphql")
    if certificate:
        print(f"  certificate SHA-256:       {certificate.fingerprint}")
        print(f"  certificate file:          {certificate.cert_path}")
    print("  users: operator/operator (read, write, acknowledge), viewer/viewer (read only),")
    print("         guest/guest (no web rights), engineer/engineer (no Openness runtime right)")
    if args.profile:
        print(f"  profile:                   {args.profile}")
    sys.stdout.flush()
    try:
        await asyncio.Event().wait()
    finally:
        await simulator.stop()


def main(argv: list[str] | None = None) -> None:
    """Run wincc-sim until Ctrl-C."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
