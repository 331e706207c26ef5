"""Every message the code refers to exists, in English and in German."""

import json
from pathlib import Path
import re
from typing import Any

import pytest
import yaml

from custom_components.wincc.exceptions import _KEYS

INTEGRATION = Path(__file__).parents[2] / "custom_components" / "wincc"


def _load(language: str) -> dict[str, Any]:
    return json.loads(
        (INTEGRATION / "translations" / f"{language}.json").read_text(encoding="utf-8")
    )


def _keys(tree: Any, prefix: str = "") -> set[str]:
    if not isinstance(tree, dict):
        return {prefix}
    return set().union(*(_keys(value, f"{prefix}/{key}") for key, value in tree.items()))


def test_german_has_exactly_the_english_keys() -> None:
    """No message is missing in either language."""
    assert _keys(_load("de")) == _keys(_load("en"))


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_raised_message_exists(language: str) -> None:
    """Each translation_key passed to an exception, and each mapped client error, is defined."""
    sources = "\n".join(path.read_text(encoding="utf-8") for path in INTEGRATION.glob("*.py"))
    used = set(re.findall(r'translation_key="([a-z_]+)"', sources))
    used |= set(re.findall(r'invalid\(\s*"([a-z_]+)"', sources))
    used |= {key for _, key in _KEYS} | {
        "unknown_error",
        "unknown_alarm",
        "not_acknowledgeable",
        "alarm_action_refused",
    }
    used -= {"tag"}  # the entities' translation key, not an exception
    defined = set(_load(language)["exceptions"])
    assert used <= defined, used - defined


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_service_field_is_described(language: str) -> None:
    """services.yaml and the translations name the same fields."""

    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text(encoding="utf-8"))
    described = _load(language)["services"]
    assert set(services) == set(described)
    for name, service in services.items():
        assert set(service["fields"]) == set(described[name]["fields"])
