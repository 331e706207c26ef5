"""The shape of the code: the client free of Home Assistant, no import cycles, small modules."""

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


INTEGRATION = CLIENT.parent
MAX_MODULE_LINES = 450


def _module_name(path: Path) -> str:
    parts = path.relative_to(INTEGRATION.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Every module of the integration and the modules of the integration it imports,
    type-only imports (under ``TYPE_CHECKING``) included."""
    paths = {_module_name(path): path for path in INTEGRATION.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.ImportFrom) or node.level == 0:
                continue
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            source = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                targets.add(submodule if submodule in paths else source)
        graph[module] = targets & set(paths)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for target in sorted(graph[module]):
            if found := visit(target, [*path, module]):
                return found
        done.add(module)
        return None

    for module in sorted(graph):
        if found := visit(module, []):
            return found
    return None


def test_the_import_graph_is_read() -> None:
    """The graph knows the modules and their imports, so the check below can fail."""
    graph = _import_graph()
    assert "wincc.client" in graph["wincc.const"]
    assert "wincc.client.backend" in graph["wincc.client.unified"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycles() -> None:
    """No module of the integration imports itself back, not even for types only."""
    assert _cycle(_import_graph()) is None


def test_modules_stay_small() -> None:
    """Every module fits in a few screens."""
    long = {
        path.name: lines
        for path in INTEGRATION.rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}
