"""Users, their rights, and the bearer-token sessions of the Unified face."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
import hmac
from pathlib import Path
import secrets

import yaml

from .clock import Clock


class Right(StrEnum):
    """What a user may do through the web APIs."""

    API = "api"  # use the GraphQL or REST interface at all
    READ = "read"
    WRITE = "write"
    ACKNOWLEDGE = "acknowledge"
    # "Openness Runtime - read and write access": V20 runtimes ask it for tag reads and
    # writes over GraphQL (only when the simulator plays one).
    OPENNESS = "openness"


@dataclass(frozen=True, slots=True)
class User:
    """A WinCC user."""

    name: str
    password: str
    full_name: str
    rights: frozenset[Right]
    language: str = "en-US"
    groups: tuple[str, ...] = ()

    def may(self, right: Right) -> bool:
        """Whether the user holds a right."""
        return right in self.rights


DEMO_USERS: tuple[User, ...] = (
    User(
        "operator",
        "operator",
        "Plant Operator",
        frozenset(Right),
        groups=("Operators",),
    ),
    User(
        "viewer",
        "viewer",
        "Read-only Viewer",
        frozenset({Right.API, Right.READ, Right.OPENNESS}),
        groups=("Viewers",),
    ),
    User(
        "engineer",
        "engineer",
        "Engineer without the Openness runtime right",
        frozenset(Right) - {Right.OPENNESS},
        groups=("Engineers",),
    ),
    User("guest", "guest", "Guest without web rights", frozenset(), language="de-DE"),
)


def load_users(path: Path) -> tuple[User, ...]:
    """Users from a YAML file: a list of ``{name, password, rights, full_name, language}``."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        User(
            name=entry["name"],
            password=str(entry["password"]),
            full_name=entry.get("full_name", entry["name"]),
            rights=frozenset(Right(r) for r in entry.get("rights", [])),
            language=entry.get("language", "en-US"),
            groups=tuple(entry.get("groups", [])),
        )
        for entry in raw
    )


class Directory:
    """Looks up users by name and password, in constant time per comparison."""

    def __init__(self, users: tuple[User, ...] = DEMO_USERS) -> None:
        """Hold the given users."""
        self._users = {u.name: u for u in users}

    def set_password(self, name: str, password: str) -> None:
        """Change a user's password, as an administrator would; unknown users raise."""
        self._users[name] = replace(self._users[name], password=password)

    def authenticate(self, name: str, password: str) -> User | None:
        """The user with this name and password, or None."""
        user = self._users.get(name)
        if user is None or not hmac.compare_digest(user.password, password):
            return None
        return user


@dataclass(slots=True)
class Session:
    """A logged-in Unified session."""

    token: str
    user: User
    expires: datetime
    id: int = field(default=0)


class Sessions:
    """Issues, renews and ends bearer tokens; they expire on the simulated clock."""

    def __init__(self, clock: Clock, lifetime: timedelta) -> None:
        """Sessions last ``lifetime`` unless renewed with ``extend``."""
        self._clock = clock
        self.lifetime = lifetime
        self._by_token: dict[str, Session] = {}
        self._next_id = 1

    def open(self, user: User) -> Session:
        """Start a session for a user who has logged in."""
        session = Session(
            secrets.token_urlsafe(24), user, self._clock.now() + self.lifetime, self._next_id
        )
        self._next_id += 1
        self._by_token[session.token] = session
        return session

    def find(self, token: str) -> Session | None:
        """The live session of a token; expired sessions are dropped."""
        session = self._by_token.get(token)
        if session is not None and session.expires <= self._clock.now():
            del self._by_token[token]
            return None
        return session

    def extend(self, session: Session) -> Session:
        """Push a session's expiry out by one lifetime."""
        session.expires = self._clock.now() + self.lifetime
        return session

    def close(self, session: Session, *, all_of_user: bool = False) -> None:
        """End a session, or every session of its user."""
        for token, other in list(self._by_token.items()):
            if other is session or (all_of_user and other.user.name == session.user.name):
                del self._by_token[token]

    def of_user(self, user: User) -> list[Session]:
        """The live sessions of a user."""
        now = self._clock.now()
        return [s for s in self._by_token.values() if s.user is user and s.expires > now]

    def invalidate_all(self) -> int:
        """End every session now; return how many there were."""
        count = len(self._by_token)
        self._by_token.clear()
        return count
