"""The apps depend on each other in one direction only, and no modules import in a circle.

The layers (docs/architecture.md), from the bottom:

1. `core`: shared mechanisms (audit log, workflow engine, navigation, periodic jobs, API
   plumbing, charts); it imports no other Mutuality app;
2. `orgs`: organizations, people, units, and tenancy (who the viewer is, where);
3. `accounts`: logins, invitations, API tokens;
4. the capabilities (`commitments`, and those to come), which may use each other's
   services and selectors;
5. the project modules that assemble them all (`urls`, `api`, `settings`, `cli`, `wsgi`,
   `testing`), which no app imports.

Imports are read from the source (every import statement, those made only for type
checkers included), so a layer cannot be crossed by a lazy import inside a function either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]  # mutuality/
LAYERS: list[set[str]] = [{"core"}, {"orgs"}, {"accounts"}, {"commitments"}]
PROJECT = {"api", "urls", "settings", "cli", "wsgi", "testing", "__init__"}


def _layer_of(app: str) -> int:
    for index, apps in enumerate(LAYERS):
        if app in apps:
            return index
    if app in PROJECT:
        return len(LAYERS)
    raise AssertionError(
        f"mutuality/{app} is in no layer: add it to LAYERS here and to docs/architecture.md"
    )


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = ".".join(parts).removesuffix(".__init__")
        modules[name] = path
    return modules


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The Mutuality modules `name` imports (a package's submodules named in `from p import m`)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            # The deepest known module the import names (a module, or its package).
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


GRAPH = _graph()


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_a_module_imports_only_its_own_layer_and_those_below(module: str) -> None:
    mine = _layer_of(_app(module))
    upward = sorted(
        imported
        for imported in GRAPH[module]
        if _layer_of(_app(imported)) > mine and _app(imported) != _app(module)
    )
    assert not upward, f"{module} imports a layer above its own: {upward}"


def test_no_modules_import_each_other_in_a_circle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not circles, f"modules that import each other in a circle: {circles}"


def test_the_check_can_fail() -> None:
    # A planted upward import and a planted circle are both found.
    GRAPH["mutuality.core.audit"].add("mutuality.commitments.models")
    GRAPH["mutuality.commitments.models"].add("mutuality.core.audit")
    try:
        with pytest.raises(AssertionError, match="above its own"):
            test_a_module_imports_only_its_own_layer_and_those_below("mutuality.core.audit")
        with pytest.raises(AssertionError, match="circle"):
            test_no_modules_import_each_other_in_a_circle()
    finally:
        GRAPH["mutuality.core.audit"].discard("mutuality.commitments.models")
        GRAPH["mutuality.commitments.models"].discard("mutuality.core.audit")
