"""Small rules of the HTTP transport that servers rarely exercise."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from multidict import CIMultiDict

from custom_components.wincc.client.transport import _retry_after


def test_retry_after_forms() -> None:
    """Seconds, an HTTP date, or nonsense (which gives no hint rather than a wrong one)."""
    assert _retry_after(CIMultiDict({"Retry-After": "12"})) == 12
    assert _retry_after(CIMultiDict({"Retry-After": "-3"})) == 0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    hint = _retry_after(CIMultiDict({"Retry-After": later}))
    assert hint is not None
    assert 100 < hint <= 120
    assert _retry_after(CIMultiDict({"Retry-After": "soon"})) is None
    assert _retry_after(CIMultiDict()) is None
