"""The import graph of forum/: layers below never import the ones above, and nothing goes round.

Imports are read from the source (including those inside functions); imports under
`if TYPE_CHECKING:` never run and are left out, and so is a blueprint module's import of its own
package (`from . import bp`), which the package imports back to register its routes.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "forum"
# Shared layers: none of them may import permissions, a feature, the commands or the factory.
LOWER = ("forum.platform", "forum.models", "forum.content", "forum.extensions")
# Known and left for later: the 429 page of the rate limiter is rendered by the errors blueprint.
KNOWN_UPWARD = {("forum.platform.throttling", "forum.errors.handlers")}
FEATURES = ("board", "practices", "moderation", "synthesis", "tags", "search", "admin", "auth",
            "main", "site", "errors", "demo")


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _targets(modules, module: str, node) -> list[str]:
    package = module if modules[module].name == "__init__.py" else module.rsplit(".", 1)[0]
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        names = [f"{target}.{alias.name}" for alias in node.names]
    found = []
    for name in names:
        while name and name not in modules:
            name = name.rsplit(".", 1)[0] if "." in name else ""
        if name.startswith("forum") and name != module:
            found.append(name)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the forum modules it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                typing_only.update(id(child) for child in ast.walk(node))
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in typing_only:
                deps.update(_targets(modules, module, node))
        own_package = module.rsplit(".", 1)[0]
        deps.discard(own_package)
        graph[module] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle():
    assert _cycles(import_graph()) == []


def test_shared_layers_import_no_policy_and_no_feature():
    above = ("forum.permissions", "forum.web", "forum.commands", "forum.caching") + tuple(
        f"forum.{name}" for name in FEATURES)
    wrong = {
        module: sorted(d for d in deps if (d == "forum" or d.startswith(above))
                       and (module, d) not in KNOWN_UPWARD)
        for module, deps in import_graph().items()
        if module.startswith(LOWER)
    }
    assert {module: deps for module, deps in wrong.items() if deps} == {}


def test_web_imports_no_feature():
    features = tuple(f"forum.{name}" for name in FEATURES)
    wrong = {module: sorted(d for d in deps if d.startswith(features))
             for module, deps in import_graph().items() if module.startswith("forum.web")}
    assert {module: deps for module, deps in wrong.items() if deps} == {}
