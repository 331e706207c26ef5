"""WinCC OA alerts through the GraphQL application example, as the alarm model of the
other families.

OA keeps no list of active alerts that this API can ask for. Its alert archive is
read instead: ``alertGetPeriod`` finds the entries ("came" and "went") of a period,
each with its attributes as they stand now, and ``alertGet`` reads the attributes of
alerts found before. The reader keeps the alerts still open and reads them again on
every pass, so it sees each one go and be acknowledged.

An alert is named by its handler (``System1:Tank1.Level:_alert_hdl.2``, the range
number where there is one), and numbered by its "came" entry's count; its raise time
keeps two alerts of one handler apart. The handlers are the elements whose
``_alert_hdl.._type`` is not 0, found anew every ``DISCOVERY_INTERVAL``.

The state comes from ``_act_state`` (OA's constants: 0 none, 1 came unacknowledged,
2 came acknowledged, 3 went unacknowledged, 4 came and went unacknowledged), and
where that is missing, from the times the alert came, went and was acknowledged.
``_ack_state`` is not read: no public source gives its values.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
import logging
from typing import Any

from .errors import ProtocolError
from .models import AlarmInstance, AlarmQuery, AlarmState
from .oa_common import answered, iso_time
from .parsing import as_int, as_text, matches, own_name, parse_timestamp

_LOGGER = logging.getLogger(__name__)

type Call = Callable[[str, Mapping[str, Any], str], Awaitable[Any]]
type Get = Callable[[Sequence[str]], Awaitable[list[Any]]]
type Names = Callable[[str], Awaitable[list[str]]]

PERIOD = (
    "query($s:Time!,$e:Time!,$n:[String!]!){api{alert{alertGetPeriod(startTime:$s,endTime:$e,"
    "names:$n){alertTimes{time count dpe} values}}}}"
)
ALERT_GET = (
    "query($a:[AlertTimeInput!]!,$n:[String!]!){api{alert{alertGet(alertsTime:$a,dpeNames:$n)}}}"
)
CONFIG = ":_alert_hdl."
HANDLER_TYPE = f"{CONFIG}._type"
ATTRIBUTES = (
    "_text",
    "_prior",
    "_class",
    "_act_state",
    "_ackable",
    "_ack_oblig",
    "_ack_time",
    "_came_time",
    "_came_time_idx",
    "_gone_time",
    "_direction",
)
STATES = {
    0: AlarmState.NORMAL,
    1: AlarmState.RAISED,
    2: AlarmState.RAISED_ACKNOWLEDGED,
    3: AlarmState.RAISED_CLEARED,
    4: AlarmState.RAISED_CLEARED,
}
# How far back the first read looks for alerts still open.
LOOKBACK = timedelta(days=7)
# Each period starts this long before the previous read ended: entries written late
# are found, and none twice (alerts are kept by identity).
OVERLAP = timedelta(seconds=10)
# Periods end this long after the server's time, which its Date header gives in seconds.
AHEAD = timedelta(minutes=1)
DISCOVERY_INTERVAL = timedelta(minutes=15)
# Ended alerts are kept this long for the alarm log, which reads them after the list.
ENDED_MEMORY = timedelta(hours=1)
TYPES_PER_REQUEST = 500
HANDLERS_PER_REQUEST = 50


@dataclass(frozen=True, slots=True)
class AlertId:
    """An alert: its handler, and the time and count of its "came" entry."""

    handler: str
    came: datetime
    count: int


def handler_name(handler: str) -> str:
    """The alarm name of a handler: ``System1:Pump1.Fault:_alert_hdl`` (binary) or
    ``System1:Tank1.Level:_alert_hdl.2`` (a range)."""
    return handler.removesuffix(".")


def _time(raw: object) -> datetime | None:
    """A time of an attribute; OA's zero time means none."""
    moment = parse_timestamp(raw)
    return moment if moment is not None and moment.timestamp() > 0 else None


def alert_state(act_state: int | None, went: datetime | None, acked: datetime | None) -> AlarmState:
    """The state of an alert from ``_act_state``, else from its times."""
    if act_state in STATES:
        return STATES[act_state]
    if went is not None:
        return AlarmState.NORMAL if acked is not None else AlarmState.RAISED_CLEARED
    return AlarmState.RAISED_ACKNOWLEDGED if acked is not None else AlarmState.RAISED


def alert_instance(alert: AlertId, attributes: Mapping[str, Any], language: str) -> AlarmInstance:
    """An alert as an alarm instance."""
    went, acked = _time(attributes.get("_gone_time")), _time(attributes.get("_ack_time"))
    text = attributes.get("_text")
    if isinstance(text, dict):  # a language string
        text = text.get(language) or next(iter(text.values()), None)
    text = as_text(text)
    alarm_class = as_text(attributes.get("_class"))
    return AlarmInstance(
        name=handler_name(alert.handler),
        instance_id=alert.count,
        state=alert_state(as_int(attributes.get("_act_state")), went, acked),
        priority=as_int(attributes.get("_prior")),
        alarm_class=own_name(alarm_class).rstrip(".") if alarm_class else None,
        texts={language: text} if text else {},
        origin=alert.handler.partition(CONFIG)[0],
        raise_time=alert.came,
        acknowledgment_time=acked,
        clear_time=went,
        modification_time=max(t for t in (alert.came, went, acked) if t is not None),
        requires_acknowledgment=_must_be_acknowledged(attributes),
    )


def _must_be_acknowledged(attributes: Mapping[str, Any]) -> bool:
    """The handler's obligation to acknowledge; without it, whether the alert may be."""
    obliged = attributes.get("_ack_oblig")
    return obliged if isinstance(obliged, bool) else attributes.get("_ackable") is True


def _alert_of(entry: Mapping[str, Any], attributes: Mapping[str, Any]) -> AlertId | None:
    """The alert an entry belongs to: its own ("came") or its "came" entry's ("went")."""
    handler = str(entry.get("dpe", "")).rpartition(".")[0]
    time, count = _time(entry.get("time")), as_int(entry.get("count"))
    if attributes.get("_direction") is False:
        time = _time(attributes.get("_came_time"))
        count = as_int(attributes.get("_came_time_idx"))
    if not handler or time is None or count is None:
        return None
    return AlertId(handler, time, count)


class OaAlertReader:
    """Reads the alerts of a WinCC OA server, remembering those still open."""

    def __init__(
        self, call: Call, get: Get, names: Names, server_time: Callable[[], datetime | None]
    ) -> None:
        """Read through the client: ``call`` (an authenticated request), ``get``
        (``dp.get``, a value per name) and ``names`` (``dp.names``)."""
        self._call = call
        self._get = get
        self._names = names
        self._server_time = server_time
        self._handlers: list[str] = []
        self._found_at: datetime | None = None
        self._open: dict[AlertId, AlarmInstance] = {}
        self._ended: dict[AlertId, AlarmInstance] = {}
        self._read_at: datetime | None = None

    def _now(self) -> datetime:
        return self._server_time() or datetime.now(UTC)

    # --- handlers ---------------------------------------------------------------------

    async def _elements_with_handlers(self) -> list[str]:
        """The elements with an alert handler, found anew now and then."""
        if self._found_at is not None and self._now() - self._found_at < DISCOVERY_INTERVAL:
            return self._handlers
        names = await self._names("*.*")
        handlers: list[str] = []
        for start in range(0, len(names), TYPES_PER_REQUEST):
            handlers += await self._with_handlers(names[start : start + TYPES_PER_REQUEST])
        self._handlers, self._found_at = handlers, self._now()
        return handlers

    async def _with_handlers(self, names: Sequence[str]) -> list[str]:
        """Those of ``names`` with a handler; names the server cannot answer are left
        out (``answered``)."""
        types = await answered(names, self._handler_types)
        return [name for name in names if as_int(types.get(name))]

    async def _handler_types(self, names: Sequence[str]) -> dict[str, Any]:
        """``_alert_hdl.._type`` of elements: 0 where there is no handler."""
        types = await self._get([f"{name}{HANDLER_TYPE}" for name in names])
        return dict(zip(names, types, strict=True))

    async def _handlers_of(self, query: AlarmQuery) -> list[str]:
        """The elements with a handler that the query's filter (a pattern) matches."""
        return [
            h
            for h in await self._elements_with_handlers()
            if not query.server_filter or matches(query.server_filter, h, own_name(h))
        ]

    # --- alerts -----------------------------------------------------------------------

    async def active(self, query: AlarmQuery) -> list[AlarmInstance]:
        """The open alerts: those found since the last read, and those open before,
        read again."""
        handlers = await self._handlers_of(query)
        # The server's time of its latest answer, which may be a while ago: the period
        # reaches a little ahead, and the next starts no later than this one ended.
        before = self._now()
        start = before - LOOKBACK if self._read_at is None else self._read_at - OVERLAP
        end = before + AHEAD
        found = await self._period(handlers, start, end, query.language)
        again = [alert for alert in self._open if alert not in found]
        found.update(await self._again(again, query.language))
        now = self._now()  # as of this pass's answers
        found = {alert: self._seen_to_end(alert, i, now) for alert, i in found.items()}
        self._read_at = min(now, end)
        self._open = {}
        for alert, instance in found.items():
            if instance.state is AlarmState.NORMAL:
                self._ended[alert] = instance
            elif alert.handler.partition(CONFIG)[0] in handlers:
                self._open[alert] = instance
        self._ended = {
            alert: instance
            for alert, instance in self._ended.items()
            if instance.modification_time and instance.modification_time >= now - ENDED_MEMORY
        }
        return sorted(self._open.values(), key=lambda a: a.raise_time or now)

    def _seen_to_end(self, alert: AlertId, instance: AlarmInstance, now: datetime) -> AlarmInstance:
        """An alert open at the last read that has ended since, though none of its times
        is newer than that read (it went before, and ended unacknowledged), ended by
        now: that is when the log shows it."""
        last_read = self._read_at
        if (
            alert in self._open
            and instance.state is AlarmState.NORMAL
            and last_read is not None
            and (instance.modification_time is None or instance.modification_time <= last_read)
        ):
            return replace(instance, modification_time=now)
        return instance

    async def history(
        self, start: datetime, end: datetime | None, query: AlarmQuery
    ) -> list[AlarmInstance]:
        """One row per alert that came or went in the period, as it stands now, and the
        alerts seen to end in it (as the list's reads saw them end, which is the later
        view), oldest change first."""
        handlers = await self._handlers_of(query)
        last = end or self._now() + AHEAD
        rows = dict(await self._period(handlers, start, last, query.language))
        for alert, instance in self._ended.items():
            moment = instance.modification_time
            if moment is not None and start <= moment <= last:
                rows[alert] = instance
        return sorted(rows.values(), key=lambda a: a.modification_time or start)

    async def _period(
        self, handlers: Sequence[str], start: datetime, end: datetime, language: str
    ) -> dict[AlertId, AlarmInstance]:
        found: dict[AlertId, AlarmInstance] = {}
        for first in range(0, len(handlers), HANDLERS_PER_REQUEST):
            names = [
                f"{element}{CONFIG}.{attribute}"
                for element in handlers[first : first + HANDLERS_PER_REQUEST]
                for attribute in ATTRIBUTES
            ]
            variables = {"s": iso_time(start), "e": iso_time(end), "n": names}
            data = await self._call(PERIOD, variables, "alert.alertGetPeriod")
            period = data.get("api", {}).get("alert", {}).get("alertGetPeriod") or {}
            found.update(self._grouped(period, language))
        return found

    @staticmethod
    def _grouped(period: Mapping[str, Any], language: str) -> dict[AlertId, AlarmInstance]:
        """Entries grouped into alerts (one time and value per attribute and entry)."""
        times, values = period.get("alertTimes") or [], period.get("values") or []
        if not isinstance(times, list) or not isinstance(values, list) or len(times) != len(values):
            raise ProtocolError("The answer to alertGetPeriod does not pair times and values")
        entries: dict[tuple[Any, Any, str], tuple[Mapping[str, Any], dict[str, Any]]] = {}
        for entry, value in zip(times, values, strict=True):
            if not isinstance(entry, dict):
                continue
            handler, _, attribute = str(entry.get("dpe", "")).rpartition(".")
            key = (entry.get("time"), entry.get("count"), handler)
            entries.setdefault(key, (entry, {}))[1][attribute] = value
        found: dict[AlertId, AlarmInstance] = {}
        for entry, attributes in entries.values():
            alert = _alert_of(entry, attributes)
            if alert is None:
                _LOGGER.debug("Skipping an alert entry without its alert: %r", entry)
                continue
            found[alert] = alert_instance(alert, attributes, language)
        return found

    async def _again(
        self, alerts: Sequence[AlertId], language: str
    ) -> dict[AlertId, AlarmInstance]:
        """The attributes of alerts found before, read through their "came" entries. If
        the server no longer knows one, it fails them all: it is read around
        (``answered``) and left out (the alarm stream then tells its end from its state
        machine)."""

        async def ask(batch: Sequence[AlertId]) -> dict[AlertId, AlarmInstance]:
            return await self._alert_get(batch, language)

        found = await answered(alerts, ask)
        for lost in [alert for alert in alerts if alert not in found]:
            _LOGGER.warning("The alert archive no longer holds %s", lost)
        return found

    async def _alert_get(
        self, alerts: Sequence[AlertId], language: str
    ) -> dict[AlertId, AlarmInstance]:
        pairs = [(alert, attribute) for alert in alerts for attribute in ATTRIBUTES]
        variables = {
            "a": [
                {"time": iso_time(a.came), "count": a.count, "dpe": f"{a.handler}.{attr}"}
                for a, attr in pairs
            ],
            "n": [f"{a.handler}.{attr}" for a, attr in pairs],
        }
        data = await self._call(ALERT_GET, variables, "alert.alertGet")
        values = data.get("api", {}).get("alert", {}).get("alertGet")
        if not isinstance(values, list) or len(values) != len(pairs):
            raise ProtocolError("The answer to alertGet does not hold one value per attribute")
        attributes: dict[AlertId, dict[str, Any]] = {}
        for (alert, attribute), value in zip(pairs, values, strict=True):
            attributes.setdefault(alert, {})[attribute] = value
        return {
            alert: alert_instance(alert, found, language) for alert, found in attributes.items()
        }
