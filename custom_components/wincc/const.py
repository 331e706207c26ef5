"""Constants shared across the WinCC integration."""

from datetime import timedelta
from typing import Final

from .client import ServerType

DOMAIN: Final = "wincc"

# Config entry data
CONF_SERVER_TYPE: Final = "server_type"
CONF_TLS_FINGERPRINT: Final = "tls_fingerprint"
CONF_TLS_CA_PEM: Final = "tls_ca_pem"
CONF_TLS_VERIFY: Final = "tls_verify"
# Every way an entry can trust its server's certificate; an entry uses one at most.
# The second host of a redundant WinCC Unified pair ("host" or "host:port"), and the
# fingerprint of its certificate where it is not the first host's.
CONF_PARTNER: Final = "partner"
# Plain HTTP, no TLS: only the WinCC OA GraphQL application example serves it, and only
# as the user's explicit choice, which stands as a repair issue.
CONF_PLAIN_HTTP: Final = "plain_http"
CONF_PARTNER_FINGERPRINT: Final = "partner_tls_fingerprint"
TLS_KEYS: Final = (
    CONF_TLS_FINGERPRINT,
    CONF_TLS_CA_PEM,
    CONF_TLS_VERIFY,
    CONF_PARTNER_FINGERPRINT,
)

SERVER_TYPE_AUTO: Final = "auto"
# WinCC OA's web server listens on 443 on Windows and on 8079 on Linux.
DEFAULT_PORTS: Final = {
    ServerType.UNIFIED: 443,
    ServerType.CLASSIC: 34568,
    ServerType.OA_REPORTING: 443,
    ServerType.OA_GRAPHQL: 4000,
}
# Auto-detection without a port: Unified's (and OA's on Windows), the classic service's
# default, the port two independent classic clients default to, OA's on Linux, and the
# OA GraphQL application example's.
DETECT_PORTS: Final = (443, 34568, 34569, 8079, 4000)
# What devices and entry titles call each server family.
MODELS: Final = {
    ServerType.UNIFIED: "WinCC Unified",
    ServerType.CLASSIC: "WinCC V7/V8 (REST)",
    ServerType.OA_REPORTING: "WinCC OA (REST Reporting)",
    ServerType.OA_GRAPHQL: "WinCC OA (GraphQL)",
}

# Config entry options
OPT_TAGS: Final = "tags"
OPT_PATTERNS: Final = "follow_patterns"
OPT_SCAN_INTERVAL: Final = "scan_interval"
OPT_READ_ONLY: Final = "read_only"
OPT_TOLERATED_FAILURES: Final = "tolerated_failures"
OPT_PUSH: Final = "push"
# Entities that write to the plant are exposed to voice assistants only when chosen.
OPT_VOICE: Final = "expose_to_voice"

MIN_SCAN_INTERVAL: Final = 1
# While the server pushes, polling is only a slow safety net.
PUSH_SAFETY_INTERVAL: Final = timedelta(minutes=5)
# A busy server's Retry-After is honoured up to this long, so that a server back sooner
# (or one asking for minutes) does not keep every entity unavailable meanwhile.
OPT_RETRY_AFTER_CAP: Final = "retry_after_cap"
OPT_RULES: Final = "tag_rules"
# Controls composed from several tags (climate, valve, select, button).
OPT_CONTROLS: Final = "controls"
# How often followed patterns are browsed again for new tags.
PATTERN_REFRESH: Final = timedelta(minutes=10)

ISSUE_TLS_UNVERIFIED: Final = "tls_unverified"
ISSUE_PLAIN_HTTP: Final = "plain_http"
ISSUE_MISSING_RUNTIME_RIGHT: Final = "missing_runtime_right"
ISSUE_CERTIFICATE_CHANGED: Final = "certificate_changed"
ISSUE_TAG_RENAMED: Final = "tag_renamed"
ISSUE_TAGS_GONE: Final = "tags_gone"
ISSUE_NO_WRITE_RIGHT: Final = "no_write_right"
# Reads in a row that must find a tag unknown before it counts as gone from the server
# (a runtime that is starting may not know its tags for a moment).
GONE_AFTER_READS: Final = 2

# Alarm options
OPT_ALARMS: Final = "alarms"
OPT_ALARM_INTERVAL: Final = "alarm_scan_interval"
OPT_ALARM_MIN_PRIORITY: Final = "alarm_min_priority"
OPT_ALARM_CLASSES: Final = "alarm_classes"
OPT_ALARM_FILTER: Final = "alarm_filter"
# At most this many alarms are listed in the active alarms sensor's attribute.
MAX_LISTED_ALARMS: Final = 50
EVENT_ALARM: Final = "wincc_alarm"
EVENT_ACKNOWLEDGED: Final = "wincc_alarm_acknowledged"
