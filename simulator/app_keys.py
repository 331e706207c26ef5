"""What each face's web application holds, under typed keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from .graphql_ws import SocketFace
    from .oa_alerts import OaAlerts
    from .oa_project import OaProject
    from .runtime import Runtime
    from .users import Sessions

RUNTIME: web.AppKey[Runtime] = web.AppKey("runtime")
# Which host of a redundant pair a Unified face is (0: the first).
HOST: web.AppKey[int] = web.AppKey("host")
OA_PROJECT: web.AppKey[OaProject] = web.AppKey("oa_project")
OA_ALERTS: web.AppKey[OaAlerts] = web.AppKey("oa_alerts")
OA_SESSIONS: web.AppKey[Sessions] = web.AppKey("oa_sessions")
SOCKET_FACE: web.AppKey[SocketFace] = web.AppKey("socket_face")
