"""The WinCC OA REST Reporting backend (OA 3.19 and later): read-only, with HTTP Basic
on every request.

``/reporting/DpNames`` lists datapoints, not their elements, so browsing offers the
datapoints whose root element reads (the probe also tells each one's kind); an
element of a structured datapoint is found by its full name (``System1:Tank1.Level``).
Each element is read by one ``/reporting/Dp`` request: the API reads one at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

import aiohttp

from .backend import WinCCClient
from .errors import AuthenticationError, InvalidArgumentError, NotFoundError, ProtocolError
from .models import (
    UNKNOWN_NAME_CODE,
    Capability,
    DataKind,
    HistoryValue,
    ItemError,
    Quality,
    ServerType,
    TagInfo,
    TagValue,
)
from .oa_common import element_info, iso_time, kind_of, online_value, quality_from_status
from .parsing import as_scalar, expect_list, matches, own_name, parse_timestamp
from .transport import HttpTransport, decode_json

BASE_PATH = "/reporting"
# Browsing reads each matching datapoint's root element once; beyond this many, the
# rest are offered without a kind (a read tells it later).
MAX_PROBES = 500
WILDCARDS = frozenset("*?[")
# What an answer about one element can be; anything else (no connection, a busy or
# failing server, refused credentials) fails the whole read.
REFUSED_ITEM = (ProtocolError, InvalidArgumentError, NotFoundError)


class OaReportingClient(WinCCClient):
    """Reads a WinCC OA server through its REST Reporting API."""

    server_type = ServerType.OA_REPORTING
    base_path = BASE_PATH
    offers: ClassVar[frozenset[Capability]] = frozenset({Capability.BROWSE, Capability.HISTORY})
    lacks: ClassVar[Mapping[Capability, str]] = {
        Capability.WRITE: "WinCC OA's REST Reporting API is read-only: write through the "
        "GraphQL application example instead",
        **dict.fromkeys(
            (Capability.ALARMS, Capability.ACKNOWLEDGE, Capability.SHELVE, Capability.DISABLE),
            "WinCC OA's REST Reporting API offers no alerts",
        ),
        Capability.PUSH: "WinCC OA's REST Reporting API cannot push: values are polled",
    }

    @classmethod
    async def speaks(cls, transport: HttpTransport) -> bool:
        """Whether REST Reporting answers (asking for credentials counts)."""
        try:
            await transport.request("GET", f"{BASE_PATH}/DpNames")
        except AuthenticationError:
            return True
        except (NotFoundError, ProtocolError):
            return False
        return True

    async def _get(self, path: str) -> Any:
        auth = aiohttp.encode_basic_auth(self._username, self._password)
        body, _ = await self._transport.request(
            "GET", f"{BASE_PATH}/{path}", headers={"Authorization": auth}
        )
        return decode_json(body, f"reporting/{path.partition('?')[0]}")

    async def _login(self) -> None:
        """Check the credentials: ``GetVersion`` is cheap but exists from OA 3.19-P001
        on; before, ``DpNames`` answers."""
        try:
            await self._get("GetVersion")
        except NotFoundError:
            await self._datapoints()

    async def _datapoints(self) -> list[str]:
        """Every datapoint's name, with its system, from either answer format."""
        payload = await self._get("DpNames")
        rows = expect_list(payload, "reporting/DpNames", "dps")
        names = [row.get("DP") if isinstance(row, dict) else row for row in rows]
        return [name for name in names if isinstance(name, str) and name]

    # --- tags -------------------------------------------------------------------------

    async def _browse(self, pattern: str) -> list[TagInfo]:
        """Datapoints whose root element reads, matching ``pattern``; an element's full
        name (no wildcard) is offered if it reads."""
        if not WILDCARDS & set(pattern):
            candidates = [pattern]
        else:
            candidates = [
                f"{dp}." for dp in await self._datapoints() if matches(pattern, dp, own_name(dp))
            ]
        probed = await self.read(candidates[:MAX_PROBES])
        found = [
            element_info(name, kind_of(value.value), writable=False)
            for name, value in probed.items()
            if value.ok
        ]
        found += [
            element_info(name, DataKind.OTHER, writable=False) for name in candidates[MAX_PROBES:]
        ]
        return found

    async def _read_chunk(self, names: Sequence[str]) -> dict[str, TagValue]:
        """One ``Dp`` request per element, side by side (the transport bounds them); a
        failure of the whole read is raised once every request has ended."""
        answers = await asyncio.gather(
            *(self._read_one(name) for name in names), return_exceptions=True
        )
        values: dict[str, TagValue] = {}
        for name, answer in zip(names, answers, strict=True):
            if isinstance(answer, BaseException):
                raise answer
            values[name] = answer
        return values

    async def _read_one(self, name: str) -> TagValue:
        try:
            row = await self._get(f"Dp?{quote(name, safe=':.')}")
        except REFUSED_ITEM as err:  # the server answered about this element alone
            unknown = "not exist" in str(err).lower()
            code = UNKNOWN_NAME_CODE if unknown else "?"
            return TagValue(name, None, Quality.BAD, error=ItemError(code, str(err)))
        if not isinstance(row, list) or len(row) < 3:
            return TagValue(name, None, Quality.BAD, error=ItemError("?", "Malformed answer"))
        value = online_value(name, *row[:3])
        if value.value is not None and name not in self._kinds:
            self._kinds[name] = kind_of(value.value)
        return value

    # --- history ----------------------------------------------------------------------

    async def _history(
        self, name: str, start: datetime | None, end: datetime | None, max_values: int
    ) -> list[HistoryValue]:
        """``Dp`` with ``from`` and ``to``: archived rows, and OA's one before and after."""
        query = f"Dp?{quote(name, safe=':.')}"
        if start is not None:
            query += f"&from={iso_time(start)}"
        if end is not None:
            query += f"&to={iso_time(end)}"
        rows = expect_list(await self._get(query), "reporting/Dp")
        values = [
            HistoryValue(
                timestamp=stamp,
                value=as_scalar(row[0]),
                quality=quality_from_status(row[2]),
                quality_raw=row[2],
                bounding=(start is not None and stamp < start) or (end is not None and stamp > end),
            )
            for row in rows
            if isinstance(row, list)
            and len(row) >= 3
            and (stamp := parse_timestamp(row[1])) is not None
        ]
        return values[:max_values] if max_values else values
