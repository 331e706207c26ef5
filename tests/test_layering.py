"""The protocol client stays free of Home Assistant, so it can be published alone."""

import ast
from pathlib import Path

CLIENT = Path(__file__).parent.parent / "custom_components" / "wincc" / "client"


def _imported_modules(source: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_client_package_has_python_files() -> None:
    """The check below would pass vacuously on an empty folder."""
    assert list(CLIENT.glob("*.py"))


def test_client_does_not_import_homeassistant() -> None:
    """No module in client/ imports homeassistant or the integration around it."""
    offenders = {
        f"{path.name}: {module}"
        for path in CLIENT.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] == "homeassistant" or module.startswith("custom_components")
    }
    assert offenders == set()
