"""Reading WinCC Unified's GraphQL answers: sessions, tag values, browse results,
history, alarms and acknowledgments. Lenient where the reference is unsure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
import logging
from typing import Any

from .errors import (
    MISSING_RIGHT_MESSAGE,
    AuthenticationError,
    InvalidArgumentError,
    MissingRuntimeRightError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
)
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
    ARGUMENT_CODES,
    ParsedRows,
    as_scalar,
    as_text,
    expect_list,
    in_asked_order,
    item_error,
    parse_timestamp,
    quality_from_main,
    unified_kind,
)

_LOGGER = logging.getLogger(__name__)

LEAF_TYPES = frozenset({"TAG", "SIMPLETAG"})


class UnauthenticatedError(Exception):
    """The server says the session is missing or over."""


def _code(error: Mapping[str, Any]) -> str:
    extensions = error.get("extensions")
    return str(extensions.get("code", "")) if isinstance(extensions, dict) else ""


def _is_unauthenticated(error: Mapping[str, Any]) -> bool:
    # What an expired token returns is undocumented: look at the code and the words.
    code = _code(error)
    message = str(error.get("message", "")).lower()
    return code in ("UNAUTHENTICATED", "401") or any(
        word in message for word in ("unauthenticated", "unauthorized", "not logged in")
    )


@dataclass(frozen=True, slots=True)
class GraphQLAnswer:
    """The field asked for, and the request-level errors that came with it."""

    data: Any
    errors: Sequence[Mapping[str, Any]]


def parse_graphql(payload: object, field: str) -> GraphQLAnswer:
    """Split a GraphQL answer into ``data[field]`` and its request-level errors."""
    if not isinstance(payload, dict):
        raise ProtocolError("The GraphQL answer is not an object")
    raw_errors = payload.get("errors")
    errors = [e for e in raw_errors if isinstance(e, dict)] if isinstance(raw_errors, list) else []
    if isinstance(raw_errors, list) and raw_errors and not errors:
        errors = [{"message": "unreadable error"}]
    data = payload.get("data")
    if errors:
        return GraphQLAnswer(data.get(field) if isinstance(data, dict) else None, errors)
    if not isinstance(data, dict) or field not in data:
        raise ProtocolError(f"The GraphQL answer has no data.{field}")
    return GraphQLAnswer(data[field], [])


def raise_for_errors(errors: Sequence[Mapping[str, Any]]) -> None:
    """Turn request-level GraphQL errors into the client's errors."""
    if not errors:
        return
    if any(_is_unauthenticated(e) for e in errors):
        raise UnauthenticatedError
    if any(_code(e) == "FORBIDDEN" for e in errors):
        raise MissingRuntimeRightError(MISSING_RIGHT_MESSAGE)
    messages = "; ".join(str(e.get("message", "")) for e in errors) or "unknown error"
    codes = {_code(e) for e in errors}
    if codes & ARGUMENT_CODES:
        raise InvalidArgumentError(f"The server refused the request: {messages}")
    raise ServerError(f"The server reported an error: {messages}")


@dataclass(frozen=True, slots=True)
class SessionAnswer:
    """What ``login`` or ``extendSession`` answered."""

    token: str | None
    expires: datetime | None
    error: ItemError | None


def parse_session(raw: object) -> SessionAnswer:
    """Token, expiry and error of a ``Session`` (code "0" is success)."""
    if not isinstance(raw, dict):
        raise ProtocolError("The login answer has no session")
    error = item_error(raw.get("error"))
    token = as_text(raw.get("token"))
    if error is None and token is None:
        raise ProtocolError("The login answer has no token")
    return SessionAnswer(token, parse_timestamp(raw.get("expires")), error)


def session_token(answer: SessionAnswer) -> str:
    """The token of a successful session answer; a refusal raises."""
    if answer.error is not None:
        if answer.error.code == "1":
            raise PermissionDeniedError(
                "The user may not use the GraphQL interface: grant the user the right to "
                f"use it ({answer.error.description})"
            )
        raise AuthenticationError(
            "The server refused the login: check the user name and password "
            f"(code {answer.error.code}: {answer.error.description})"
        )
    assert answer.token is not None  # noqa: S101 - parse_session guarantees one of the two
    return answer.token


def tag_value(name: str, row: object) -> TagValue:
    """One ``TagValueResult`` row (from a query or a notification) as a value."""
    if not isinstance(row, dict):
        return TagValue(name, None, Quality.BAD, error=ItemError("?", "Malformed answer row"))
    error = item_error(row.get("error"))
    value = row.get("value")
    if error is not None or not isinstance(value, dict):
        return TagValue(
            name, None, Quality.BAD, error=error or ItemError("?", "The answer row has no value")
        )
    quality = value.get("quality")
    main = quality.get("quality") if isinstance(quality, dict) else None
    return new_tag_value(
        name,
        as_scalar(value.get("value")),
        quality_from_main(main),
        main if isinstance(main, str) else None,
        parse_timestamp(value.get("timestamp")),
    )


def parse_tag_values(
    payload: object, names: Sequence[str], parsed: ParsedRows | None = None
) -> dict[str, TagValue]:
    """Rows of ``tagValues``, matched to the asked names; gaps become per-tag errors.

    ``parsed`` holds the rows of earlier reads, so that unchanged rows are not parsed again.
    """
    rows = expect_list(payload, "tagValues")
    if in_asked_order(rows, names, "name"):
        answered: Iterable[tuple[str, object]] = zip(names, rows, strict=True)
    else:
        by_name: dict[str, object] = {}
        for index, row in enumerate(rows):
            name = row.get("name") if isinstance(row, dict) else None
            if isinstance(name, str):
                by_name[name] = row
            elif index < len(names):
                by_name.setdefault(names[index], row)
        answered = ((name, by_name[name]) for name in names if name in by_name)
    memo = parsed if parsed is not None else ParsedRows()
    return memo.values(names, answered, tag_value)


def parse_write_results(payload: object, names: Sequence[str]) -> dict[str, WriteResult]:
    """Rows of ``writeTagValues``; a missing row is an unconfirmed write."""
    results: dict[str, WriteResult] = {}
    for row in expect_list(payload, "writeTagValues"):
        if isinstance(row, dict) and isinstance(row.get("name"), str):
            results[row["name"]] = WriteResult(row["name"], item_error(row.get("error")))
    return {
        name: results.get(name, WriteResult(name, ItemError("?", "The server did not confirm")))
        for name in names
    }


def parse_browse(payload: object) -> list[TagInfo]:
    """Leaf tags among ``browse`` results; structure tags, alarms and the rest are skipped."""
    tags = []
    for row in expect_list(payload, "browse"):
        if not isinstance(row, dict):
            continue
        name = as_text(row.get("name"))
        object_type = row.get("objectType")
        if name is None or (object_type is not None and object_type not in LEAF_TYPES):
            continue
        data_type = as_text(row.get("dataType"))
        system, separator, local = name.rpartition("::")
        structure = local.split(".", 1)[0] if "." in local else None
        tags.append(
            TagInfo(
                name=name,
                display_name=as_text(row.get("displayName")) or local,
                data_type=data_type,
                kind=unified_kind(data_type),
                structure=f"{system}{separator}{structure}" if structure else None,
            )
        )
    return tags


def parse_history(payload: object) -> tuple[list[HistoryValue], ItemError | None]:
    """Values of one ``loggedTagValues`` result, and its per-item error."""
    rows = expect_list(payload, "loggedTagValues")
    if not rows or not isinstance(rows[0], Mapping):
        raise ProtocolError("The history answer has no result")
    error = item_error(rows[0].get("error"))
    if error is not None:
        return [], error
    values = []
    for entry in expect_list(rows[0].get("values"), "loggedTagValues.values"):
        value = entry.get("value") if isinstance(entry, dict) else None
        timestamp = parse_timestamp(value.get("timestamp")) if isinstance(value, dict) else None
        if not isinstance(value, dict) or timestamp is None:
            continue
        quality = value.get("quality")
        main = quality.get("quality") if isinstance(quality, dict) else None
        flags = entry.get("flags")
        values.append(
            HistoryValue(
                timestamp,
                as_scalar(value.get("value")),
                quality_from_main(main),
                main if isinstance(main, str) else None,
                bounding=isinstance(flags, list) and "BOUNDING" in flags,
            )
        )
    return values, None
