"""Reading the classic REST service's answers: value and write rows, tag pages,
archives, logged values and alarm messages. Lenient where the reference is unsure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
import logging
from typing import Any

from .errors import ProtocolError
from .models import (
    HistoryValue,
    ItemError,
    Quality,
    TagInfo,
    TagValue,
    WriteResult,
    new_tag_value,
)
from .parsing import (
    ParsedRows,
    as_int,
    as_scalar,
    as_text,
    classic_kind,
    clean_name,
    expect_list,
    in_asked_order,
    parse_timestamp,
    quality_from_byte,
)

_LOGGER = logging.getLogger(__name__)


def row_error(row: Mapping[str, Any]) -> ItemError | None:
    """A row failed only if ``errorcode`` is non-zero or ``error`` is non-empty."""
    code = row.get("errorcode")
    if code is None:
        code = row.get("errorCode")
    error = row.get("error")
    failed_code = code not in (None, 0, "0", "")
    if not failed_code and not error:
        return None  # the common case, decided before looking closer at the error
    failed_error = bool(error) and not (isinstance(error, str) and not error.strip())
    if not failed_code and not failed_error:
        return None
    description = error if isinstance(error, str) else str(error) if error else ""
    return ItemError(str(code) if failed_code else "?", description)


def _quality_raw(row: Mapping[str, Any]) -> int | None:
    raw = row.get("qualitycode")
    if raw is None:
        raw = row.get("qualityCode")
    return raw if type(raw) is int else as_int(raw)


def _classic_value(name: str, row: object) -> TagValue:
    if not isinstance(row, dict):
        return TagValue(name, None, Quality.BAD, error=ItemError("?", "Malformed answer row"))
    error = row_error(row)
    if error is not None:
        return TagValue(name, None, Quality.BAD, error=error)
    raw_quality = _quality_raw(row)
    return new_tag_value(
        name,
        as_scalar(row.get("value")),
        quality_from_byte(raw_quality),
        raw_quality,
        parse_timestamp(row.get("timestamp")),
    )


def _rows(payload: object) -> list[Any]:
    if isinstance(payload, dict) and "variableName" in payload:
        return [payload]  # a single row, as GET Value/{tag} answers
    return expect_list(payload, "tagManagement/Values", "values", "Values")


def rows_by_name(payload: object) -> dict[str, dict[str, Any]]:
    """Answer rows by their (cleaned) variable name; rows without one are skipped."""
    return {
        clean_name(row["variableName"]): row
        for row in _rows(payload)
        if isinstance(row, dict) and isinstance(row.get("variableName"), str)
    }


def parse_value_rows(
    payload: object, names: Sequence[str], parsed: ParsedRows | None = None
) -> dict[str, TagValue]:
    """Value rows matched to the asked (cleaned) names; gaps become per-tag errors.

    ``parsed`` holds the rows of earlier reads, so that unchanged rows are not parsed again.
    """
    rows = _rows(payload)
    if in_asked_order(rows, names, "variableName"):
        answered: Iterable[tuple[str, object]] = zip(names, rows, strict=True)
    else:
        by_name = rows_by_name(rows)
        answered = ((name, by_name[name]) for name in names if name in by_name)
    memo = parsed if parsed is not None else ParsedRows()
    return memo.values(names, answered, _classic_value)


def parse_write_rows(payload: object, names: Sequence[str]) -> dict[str, WriteResult]:
    """Write answers: one object per tag; ``errorcode != 0`` means that tag failed."""
    by_name = rows_by_name(payload)
    return {
        name: WriteResult(name, row_error(by_name[name]))
        if name in by_name
        else WriteResult(name, ItemError("?", "The server did not confirm this write"))
        for name in names
    }


def parse_variables_page(payload: object) -> tuple[list[TagInfo], int | None]:
    """One page of ``tagManagement/variables`` and the next continuation point."""
    tags = []
    for row in expect_list(payload, "tagManagement/variables", "variables", "Variables"):
        if not isinstance(row, dict):
            continue
        name = as_text(row.get("variableName")) or as_text(row.get("name"))
        if name is None:
            continue
        code = as_int(row.get("dataType"))
        tags.append(
            TagInfo(
                name=name,
                display_name=name,
                data_type=None if code is None else str(code),
                kind=classic_kind(code),
                unit=as_text(row.get("unit")),
                structure=as_text(row.get("structureVariable")),
                group=as_text(row.get("group")),
                connection=as_text(row.get("connection")),
            )
        )
    following = payload.get("continuationPoint") if isinstance(payload, dict) else None
    return tags, as_int(following)


def parse_archive_names(payload: object, key: str) -> list[str]:
    """Names in a listing such as ``tagLogging/Archives``."""
    return [
        name
        for row in expect_list(
            payload, key, key.rpartition("/")[2].lower(), "archives", "variables"
        )
        if (name := as_text(row.get("name")) if isinstance(row, dict) else as_text(row))
    ]


def parse_logged_values(payload: object, name: str) -> tuple[list[HistoryValue], ItemError | None]:
    """The values of one archive tag from ``tagLogging/Values``, and its error."""
    for archive in expect_list(payload, "tagLogging/Values", "archives"):
        if not isinstance(archive, dict):
            continue
        for variable in expect_list(archive.get("variables", []), "tagLogging variables"):
            if not isinstance(variable, dict) or variable.get("name") != name:
                continue
            error = row_error(variable)
            if error is not None:
                return [], error
            values = []
            for row in expect_list(variable.get("values", []), "tagLogging values"):
                timestamp = parse_timestamp(row.get("timestamp")) if isinstance(row, dict) else None
                if timestamp is None:
                    continue
                raw_quality = _quality_raw(row)
                values.append(
                    HistoryValue(
                        timestamp,
                        as_scalar(row.get("value")),
                        quality_from_byte(raw_quality),
                        raw_quality,
                    )
                )
            return values, None
    raise ProtocolError(f"The history answer has no entry for {name}")
