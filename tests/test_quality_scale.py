"""quality_scale.yaml reads as intended: each rule once, with a status Home Assistant
knows, and every exemption says why."""

from pathlib import Path
from typing import Any

import yaml

SCALE = Path(__file__).parent.parent / "custom_components" / "wincc" / "quality_scale.yaml"
STATUSES = {"done", "exempt", "todo"}


class _StrictLoader(yaml.SafeLoader):
    """A loader that refuses a key given twice (YAML would keep the last silently)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = [loader.construct_object(key) for key, _ in node.value]
    twice = sorted({str(k) for k in keys if keys.count(k) > 1})
    assert not twice, f"given twice: {twice}"
    return yaml.SafeLoader.construct_mapping(loader, node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def test_each_rule_once_with_a_known_status() -> None:
    rules = yaml.load(SCALE.read_text(encoding="utf-8"), Loader=_StrictLoader)["rules"]  # noqa: S506 - a safe loader
    assert len(rules) >= 50
    for name, rule in rules.items():
        status = rule if isinstance(rule, str) else rule["status"]
        assert status in STATUSES, name
        if status == "exempt":
            assert rule["comment"].strip(), name
    assert rules["entity-disabled-by-default"]["status"] == "exempt"
