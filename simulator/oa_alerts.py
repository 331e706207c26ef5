"""The demo plant's alarms as WinCC OA alerts, read as ``alertGetPeriod`` and
``alertGet`` read them: each alert handler sits on an element, and each alert is an
entry of the alert archive, found by its time, its count and its attribute's name
(``System1:Tank1.Level:_alert_hdl.2._text``).

The model, with the choices the reference leaves open:

- an alarm of the plant is a range of the alert handler on its tag's element; ranges
  are numbered from 2 in the order of the alarms' names (range 1 is the good range).
  A boolean element has a binary handler, whose attributes have no range number;
- every instance has a "came" entry at its raise time and, once cleared (or, without a
  clear event, once it ended: an information alarm that left, or one a runtime restart
  removed), a "went" entry; an acknowledgment adds no entry, it changes the
  attributes. Attributes answer the instance's present state, as OA's do, and a time
  that has not come is OA's zero time (1970-01-01);
- ``_act_state`` takes the values OA documents (0 none, 1 came unacknowledged, 2 came
  acknowledged, 3 went unacknowledged); ``_ack_state`` answers 0 nothing to
  acknowledge, 1 awaiting acknowledgment, 2 acknowledged (wincc-sim's choice);
- ``ExampleDP_AlertHdl1`` has a binary handler: it comes when the element is set to
  true and goes when set to false ("Value to 1", priority 60).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
import re
from typing import Any

from .alarms import ACKNOWLEDGE_REQUIRED, ACKNOWLEDGEABLE, AlarmEngine, AlarmInstance, AlarmState
from .clock import iso
from .description import AlarmClass, AlarmCondition, AlarmDefinition
from .oa_project import ALERT_EXAMPLE, SYSTEM, OaProject, UnknownDpError, dpe_of

CONFIG = ":_alert_hdl."
# OA's config types of an element's alert handler (``_alert_hdl.._type``).
NO_HANDLER, BINARY_HANDLER, RANGES_HANDLER = 0, 12, 13
FIRST_ALARM_RANGE = 2
ZERO_TIME = datetime(1970, 1, 1, tzinfo=UTC)
EXAMPLE_ALERT = AlarmDefinition(
    name=ALERT_EXAMPLE,
    tag=ALERT_EXAMPLE,
    condition=AlarmCondition(operator="equals", limit=True),
    priority=60,
    alarm_class=AlarmClass("alert", 1, ""),
    state_machine="RAISE_CLEAR_OPTIONAL_ACKNOWLEDGMENT",
    area="",
    origin="",
    text={"en-US": "Value to 1"},
    info={},
)
ACT_STATE = {
    AlarmState.RAISED: 1,
    AlarmState.RAISED_ACKNOWLEDGED: 2,
    AlarmState.RAISED_CLEARED: 3,
}
ATTRIBUTE = re.compile(r"^(?P<element>.+?):_alert_hdl\.(?P<range>\d*)\.(?P<attribute>_\w+)$")


class UnknownAlertError(KeyError):
    """No alert of that time, count and handler."""


@dataclass(frozen=True, slots=True)
class AlertEntry:
    """One entry of the alert archive: an instance came or went."""

    time: datetime
    count: int
    handler: str  # element and range: ``System1:Tank1.Level:_alert_hdl.2``
    came: bool
    instance: AlarmInstance
    came_count: int  # the count of the instance's "came" entry

    def dpe(self, attribute: str) -> str:
        """The name of one of its attributes."""
        return f"{self.handler}.{attribute}"


class OaAlerts:
    """The alert handlers of the project, and the alert archive they write."""

    def __init__(self, project: OaProject) -> None:
        """Alerts of the plant's alarms and of the example datapoint."""
        self._project = project
        self._plant = project.plant
        self.example = AlarmEngine([EXAMPLE_ALERT])

    def evaluate_example(self) -> None:
        """Let the example's handler see its element's value."""
        self.example.evaluate(
            lambda _tag: self._project.read(ALERT_EXAMPLE).value, self._plant.time
        )

    def handler(self, definition: AlarmDefinition) -> str:
        """The alert handler (and range) an alarm of the plant is."""
        if definition.name == ALERT_EXAMPLE:
            return f"{SYSTEM}:{ALERT_EXAMPLE}.{CONFIG}"
        siblings = sorted(
            d.name for d in self._plant.alarms.definitions.values() if d.tag == definition.tag
        )
        binary = self._project.element_type(dpe_of(definition.tag)) == "BOOL"
        number = "" if binary else str(FIRST_ALARM_RANGE + siblings.index(definition.name))
        return f"{dpe_of(self._plant.current_name(definition.tag))}{CONFIG}{number}"

    def handler_type(self, element: str) -> int:
        """``_alert_hdl.._type`` of an element: none, binary or ranges (a handler with
        range numbers)."""
        self._project.element_type(element)  # unknown elements fail
        definitions = [*self._plant.alarms.definitions.values(), EXAMPLE_ALERT]
        for definition in definitions:
            own, _, number = self.handler(definition).partition(CONFIG)
            if own == _element(element):
                return RANGES_HANDLER if number else BINARY_HANDLER
        return NO_HANDLER

    def entries(self) -> list[AlertEntry]:
        """Every entry of the archive, oldest first, with its instance as it is now."""
        latest: dict[tuple[str, int, datetime], AlarmInstance] = {}
        for engine in (self._plant.alarms, self.example):
            for entry in engine.journal:
                instance = entry.instance
                latest[(*instance.key, instance.raise_time)] = instance
        found: list[tuple[datetime, str, bool, AlarmInstance]] = []
        for instance in latest.values():
            handler = self.handler(instance.definition)
            found.append((instance.raise_time, handler, True, instance))
            if (went := _went(instance)) is not None:
                found.append((went, handler, False, instance))
        found.sort(key=lambda row: (row[0], not row[2]))
        counts: dict[tuple[datetime, str], int] = {}
        came_counts: dict[int, int] = {}
        entries = []
        for time, handler, came, instance in found:
            count = counts.get((time, handler), 0)
            counts[(time, handler)] = count + 1
            if came:
                came_counts[id(instance)] = count
            entries.append(
                AlertEntry(time, count, handler, came, instance, came_counts[id(instance)])
            )
        return entries

    def period(self, start: datetime, end: datetime, names: list[str]) -> dict[str, Any]:
        """``alertGetPeriod``: for each entry from ``start`` to ``end`` of a named handler,
        one time and one value per named attribute."""
        wanted = [_parse(name) for name in names]
        for element, _, attribute in wanted:
            self._check(element, attribute)
        times: list[dict[str, Any]] = []
        values: list[Any] = []
        for entry in self.entries():
            if not start <= entry.time <= end:
                continue
            for element, number, attribute in wanted:
                if _covers(entry.handler, element, number):
                    times.append(
                        {"time": iso(entry.time), "count": entry.count, "dpe": entry.dpe(attribute)}
                    )
                    values.append(attribute_of(entry, attribute))
        return {"alertTimes": times, "values": values}

    def get(self, alerts: list[dict[str, Any]], names: list[str]) -> list[Any]:
        """``alertGet``: attributes of alerts, paired by position (one alert may serve
        several attributes of its handler)."""
        if len(alerts) == 1:
            alerts = alerts * len(names)
        if len(alerts) != len(names):
            raise ValueError("alertsTime and dpeNames must have the same length")
        entries = self.entries()
        values = []
        for alert, name in zip(alerts, names, strict=True):
            element, number, attribute = _parse(name)
            self._check(element, attribute)
            entry = next(
                (
                    e
                    for e in entries
                    if iso(e.time) == iso(alert["time"])  # OA's times are milliseconds
                    and e.count == alert["count"]
                    and _covers(e.handler, *_parse(alert["dpe"])[:2])
                    and _covers(e.handler, element, number)
                ),
                None,
            )
            if entry is None:
                raise UnknownAlertError(f"no alert of {alert['dpe']} at {iso(alert['time'])}")
            values.append(attribute_of(entry, attribute))
        return values

    def _check(self, element: str, attribute: str) -> None:
        if attribute not in ATTRIBUTES:
            raise UnknownDpError(f"{element}:_alert_hdl..{attribute}")
        if self.handler_type(element) == NO_HANDLER:
            raise UnknownDpError(f"{element} has no alert handler")


def _parse(name: str) -> tuple[str, str, str]:
    """Element (its full name), range number and attribute of an attribute name."""
    match = ATTRIBUTE.match(name)
    if match is None:
        raise UnknownDpError(name)
    return _element(match["element"]), match["range"], match["attribute"]


def _element(name: str) -> str:
    """An element's full name: with its system, and a root element with its dot."""
    full = name if ":" in name else f"{SYSTEM}:{name}"
    return full if "." in full.partition(":")[2] else f"{full}."


def _covers(handler: str, element: str, number: str) -> bool:
    """Whether an attribute name of ``element`` (its full name) and range ``number``
    (if any) is one of ``handler``'s."""
    own_element, _, own_number = handler.partition(CONFIG)
    return own_element == element and number in ("", own_number)


def _went(instance: AlarmInstance) -> datetime | None:
    """When an instance went: cleared, or else when it ended (an information alarm that
    left, or one a runtime restart removed); every OA alert that ends has gone."""
    if instance.clear_time is not None:
        return instance.clear_time
    ended = instance.state in (AlarmState.REMOVED, AlarmState.NORMAL)
    return instance.modification_time if ended else None


def _time(moment: datetime | None) -> str:
    """A time attribute; one that has not come is OA's zero time."""
    return iso(moment or ZERO_TIME)


def _ack_state(instance: AlarmInstance) -> int:
    if instance.acknowledgment_time is not None:
        return 2
    return 1 if _awaiting(instance) else 0


def _awaiting(instance: AlarmInstance) -> bool:
    return (
        instance.definition.state_machine in ACKNOWLEDGEABLE
        and instance.acknowledgment_time is None
        and instance.state in (AlarmState.RAISED, AlarmState.RAISED_CLEARED)
    )


ATTRIBUTES: dict[str, Callable[[AlertEntry], Any]] = {
    "_text": lambda e: e.instance.definition.text.get("en-US", ""),
    "_prior": lambda e: e.instance.definition.priority,
    "_class": lambda e: f"{SYSTEM}:{e.instance.definition.alarm_class.name.lower()}.",
    "_value": lambda e: e.instance.value,
    "_act_state": lambda e: ACT_STATE.get(e.instance.state, 0),
    "_ack_state": lambda e: _ack_state(e.instance),
    "_ackable": lambda e: _awaiting(e.instance),
    "_ack_oblig": lambda e: e.instance.definition.state_machine in ACKNOWLEDGE_REQUIRED,
    "_ack_time": lambda e: _time(e.instance.acknowledgment_time),
    "_came_time": lambda e: iso(e.instance.raise_time),
    "_came_time_idx": lambda e: e.came_count,
    "_gone_time": lambda e: _time(_went(e.instance)),
    "_direction": lambda e: e.came,
}


def attribute_of(entry: AlertEntry, attribute: str) -> Any:
    """An attribute of an alert entry, as it stands now."""
    return ATTRIBUTES[attribute](entry)
