"""An async client for the Siemens WinCC web APIs.

``UnifiedClient`` speaks WinCC Unified's GraphQL API; ``ClassicClient`` speaks the WinCC
V7.5/V8 REST service. Both are ``WinCCClient`` backends. ``detect`` tells which one a
server at a ``ServerAddress`` speaks. This package has no Home Assistant imports; it
could be published alone.
"""

from .backend import WinCCClient
from .classic import ClassicClient
from .detect import create_client, detect
from .errors import (
    AuthenticationError,
    CertificateError,
    CertificateNameMismatchError,
    InvalidArgumentError,
    MissingRuntimeRightError,
    NotFoundError,
    NotWinCCError,
    PermissionDeniedError,
    ProtocolError,
    ServerBusyError,
    ServerError,
    UnsupportedFeatureError,
    WinCCConnectionError,
    WinCCError,
    WinCCTimeoutError,
)
from .models import (
    AlarmAction,
    AlarmActionResult,
    AlarmIdentifier,
    AlarmInstance,
    AlarmQuery,
    AlarmState,
    Capability,
    DataKind,
    HistoryValue,
    ItemError,
    Quality,
    Scalar,
    ServerType,
    TagInfo,
    TagValue,
    WriteResult,
)
from .oa_graphql import OaGraphQLClient
from .oa_reporting import OaReportingClient
from .push import AlarmNotification, Backoff, PushFeed, PushHandler
from .tls import PresentedCertificate, TlsSettings, fetch_certificate
from .transport import ServerAddress
from .unified import UnifiedClient
from .unified_pair import UnifiedPairClient

__all__ = [
    "AlarmAction",
    "AlarmActionResult",
    "AlarmIdentifier",
    "AlarmInstance",
    "AlarmNotification",
    "AlarmQuery",
    "AlarmState",
    "AuthenticationError",
    "Backoff",
    "Capability",
    "CertificateError",
    "CertificateNameMismatchError",
    "ClassicClient",
    "DataKind",
    "HistoryValue",
    "InvalidArgumentError",
    "ItemError",
    "MissingRuntimeRightError",
    "NotFoundError",
    "NotWinCCError",
    "OaGraphQLClient",
    "OaReportingClient",
    "PermissionDeniedError",
    "PresentedCertificate",
    "ProtocolError",
    "PushFeed",
    "PushHandler",
    "Quality",
    "Scalar",
    "ServerAddress",
    "ServerBusyError",
    "ServerError",
    "ServerType",
    "TagInfo",
    "TagValue",
    "TlsSettings",
    "UnifiedClient",
    "UnifiedPairClient",
    "UnsupportedFeatureError",
    "WinCCClient",
    "WinCCConnectionError",
    "WinCCError",
    "WinCCTimeoutError",
    "WriteResult",
    "create_client",
    "detect",
    "fetch_certificate",
]
