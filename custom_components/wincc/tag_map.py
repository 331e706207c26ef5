"""The tag map: every exposed tag's settings as one YAML or CSV file, to edit in bulk
(in a spreadsheet, say) and read back.

Columns: name, display name, unit, device class, state class, minimum, maximum, step,
writable and display precision. Reading checks every row before anything changes.

In YAML, the map also carries the controls composed from the tags: then it is a
mapping of ``tags`` (the list) and ``controls``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import csv
from dataclasses import replace
import io
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
import yaml

from .controls import ControlConfig, ControlError, ControlKind
from .tags import TagConfig

COLUMNS = (
    "name",
    "display_name",
    "unit",
    "device_class",
    "state_class",
    "minimum",
    "maximum",
    "step",
    "writable",
    "display_precision",
)
DEVICE_CLASSES = frozenset(c.value for c in SensorDeviceClass)
STATE_CLASSES = frozenset(c.value for c in SensorStateClass)
TRUE, FALSE = frozenset({"true", "yes", "1", "on"}), frozenset({"false", "no", "0", "off", ""})


class TagMapError(ValueError):
    """A row of a tag map that cannot be read; the message says which and why."""


def _row(tag: TagConfig) -> dict[str, Any]:
    return {
        "name": tag.name,
        "display_name": tag.entity_name,
        "unit": tag.effective_unit,
        "device_class": tag.device_class,
        "state_class": tag.state_class,
        "minimum": tag.minimum,
        "maximum": tag.maximum,
        "step": tag.step,
        "writable": tag.writable,
        "display_precision": tag.display_precision,
    }


def export_yaml(tags: Mapping[str, TagConfig], controls: Sequence[ControlConfig] = ()) -> str:
    """The tag map as YAML: a list with a mapping per tag, empty settings left out; with
    controls, a mapping of that list and the controls."""
    rows = [{k: v for k, v in _row(tag).items() if v is not None} for tag in tags.values()]
    if not controls:
        return yaml.safe_dump(rows, allow_unicode=True, sort_keys=False)
    document = {"tags": rows, "controls": [control.as_options() for control in controls]}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def export_csv(tags: Mapping[str, TagConfig]) -> str:
    """The tag map as CSV, with a header row; empty settings are empty cells."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for tag in tags.values():
        writer.writerow({k: "" if v is None else v for k, v in _row(tag).items()})
    return out.getvalue()


def _load(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _rows(text: str) -> list[dict[str, Any]]:
    """The rows of a YAML list of mappings, or of a CSV file with a header."""
    loaded = _load(text)
    if isinstance(loaded, dict):
        loaded = loaded.get("tags")
    if isinstance(loaded, list):
        if not all(isinstance(row, dict) for row in loaded):
            raise TagMapError("Each entry of the YAML list must be a mapping of settings")
        return loaded
    reader = csv.DictReader(io.StringIO(text.strip()))
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise TagMapError("Expected a YAML list, or CSV with a header row naming the columns")
    return list(reader)


def _number(row: dict[str, Any], column: str, line: int) -> float | None:
    value = row.get(column)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TagMapError(f"Row {line}: {column} {value!r} is not a number") from None


def _choice(row: dict[str, Any], column: str, allowed: frozenset[str], line: int) -> str | None:
    value = row.get(column) or None
    if value is not None and str(value) not in allowed:
        raise TagMapError(f"Row {line}: {column} {value!r} is not one Home Assistant knows")
    return None if value is None else str(value)


def _updated(tag: TagConfig, row: dict[str, Any], line: int, *, writes: bool) -> TagConfig:
    minimum, maximum = _number(row, "minimum", line), _number(row, "maximum", line)
    if minimum is not None and maximum is not None and minimum >= maximum:
        raise TagMapError(f"Row {line}: the maximum must be above the minimum")
    precision = _number(row, "display_precision", line)
    if precision is not None and (not precision.is_integer() or not 0 <= precision <= 10):
        raise TagMapError(f"Row {line}: display_precision must be a whole number, 0 to 10")
    writable = str(row.get("writable", "")).strip().lower()
    if writable not in TRUE | FALSE:
        raise TagMapError(f"Row {line}: writable {row.get('writable')!r} is not true or false")
    if writable in TRUE and not tag.can_be_writable:
        raise TagMapError(f"Row {line}: no entity can write {tag.name}")
    if writable in TRUE and not writes:
        raise TagMapError(f"Row {line}: this server's API cannot write, so {tag.name} cannot be")
    display, unit = row.get("display_name") or None, row.get("unit") or None
    return replace(
        tag,
        name_override=None if display in (None, tag.display_name) else str(display),
        unit_override=None if unit in (None, tag.unit) else str(unit),
        device_class=_choice(row, "device_class", DEVICE_CLASSES, line),
        state_class=_choice(row, "state_class", STATE_CLASSES, line),
        minimum=minimum,
        maximum=maximum,
        step=_number(row, "step", line),
        display_precision=None if precision is None else int(precision),
    ).with_writable(writable in TRUE)


def import_map(
    text: str, tags: Mapping[str, TagConfig], *, writes: bool = True
) -> dict[str, TagConfig]:
    """The exposed tags with the settings the map gives them (tags it leaves out keep
    theirs); ``writes``: whether the server's API can write at all. Every row is checked
    first: one bad row changes nothing."""
    updated = dict(tags)
    for line, row in enumerate(_rows(text), start=1):
        name = str(row.get("name") or "")
        if name not in tags:
            raise TagMapError(f"Row {line}: {name or 'a row without a name'} is not an exposed tag")
        updated[name] = _updated(tags[name], row, line, writes=writes)
    return updated


def import_controls(text: str, tags: Mapping[str, TagConfig]) -> list[ControlConfig] | None:
    """The controls a YAML map carries, checked against ``tags`` (the map's tags, as
    read); None if it carries none (a list, or CSV), so the controls stay as they are."""
    loaded = _load(text)
    if not isinstance(loaded, dict) or "controls" not in loaded:
        return None
    if not isinstance(loaded["controls"], list):
        raise TagMapError("controls must be a list")
    return [_control(raw, tags, number) for number, raw in enumerate(loaded["controls"], 1)]


def _control(raw: Any, tags: Mapping[str, TagConfig], number: int) -> ControlConfig:
    try:
        stored = ControlConfig.from_options(raw)
        return ControlConfig.build(
            stored.kind,
            stored.name,
            stored.tags,
            tags,
            states=stored.states,
            reset_after=stored.reset_after,
        )
    except ControlError as err:
        raise TagMapError(f"Control {number}: {err.key} ({err.field})") from None
    except (KeyError, TypeError, ValueError, AttributeError):
        kinds = ", ".join(kind.value for kind in ControlKind)
        raise TagMapError(
            f"Control {number}: needs kind ({kinds}), name and tags by role"
        ) from None
