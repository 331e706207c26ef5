"""The simulated WinCC runtime: one plant, its users and sessions, and the faults.

Both faces (Unified GraphQL and classic REST) serve from one ``Runtime``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
import random

from aiohttp import web

from .clock import Clock
from .description import PlantDescription, load_description
from .faults import Faults
from .plant import Plant
from .redundancy import RedundantPair
from .users import DEMO_USERS, Directory, Sessions, User


@dataclass(slots=True)
class RuntimeOptions:
    """How to build a runtime; the CLI flags map onto these."""

    seed: int = 0
    extra_tags: int = 0
    token_lifetime: timedelta = timedelta(minutes=15)
    history_prefill: timedelta = timedelta()
    # False plays a WinCC V7.5 classic service: every alarmLogging path answers 404.
    alarm_logging: bool = True
    # As real V20 runtimes answer (each its own switch; the "v20" profile sets them all):
    # ``/graphql`` redirects (301) to ``/graphql/``;
    graphql_redirect: bool = False
    # a POST without ``apollo-require-preflight`` is refused as Apollo's CSRF guard does;
    require_preflight: bool = False
    # tag reads and writes need the runtime right "Openness Runtime - read and write access".
    openness_right: bool = False
    # A second Unified host, paired with the first as WinCC Unified redundancy pairs them.
    redundant: bool = False
    users: tuple[User, ...] = DEMO_USERS
    description: PlantDescription | None = None
    faults: Faults = field(default_factory=Faults)


class Runtime:
    """Everything one simulated WinCC runtime holds."""

    def __init__(self, clock: Clock, options: RuntimeOptions | None = None) -> None:
        """Start the runtime; the plant begins at its initial values."""
        options = options or RuntimeOptions()
        self.clock = clock
        self.plant = Plant(
            options.description or load_description(),
            clock,
            seed=options.seed,
            extra_tags=options.extra_tags,
            history_prefill=options.history_prefill,
        )
        self.directory = Directory(options.users)
        self.sessions = Sessions(clock, options.token_lifetime)
        self.faults = options.faults
        self.alarm_logging = options.alarm_logging
        self.graphql_redirect = options.graphql_redirect
        self.require_preflight = options.require_preflight
        self.openness_right = options.openness_right
        self.redundancy = RedundantPair(clock) if options.redundant else None
        # Open subscription sockets, closed when the simulator stops.
        self.sockets: set[web.WebSocketResponse] = set()
        self.rng = random.Random(options.seed)
        # Classic tags fetched on demand answer "initial value" quality until first read.
        self.fetched: set[str] = set()

    @property
    def system(self) -> str:
        """The Unified system name, the prefix of every object name."""
        return self.plant.system

    def restart(self) -> None:
        """A runtime restart: sessions end, alarm instances are removed and raised anew."""
        self.sessions.invalidate_all()
        self.fetched.clear()
        self.plant.restart_runtime()
