"""An import-linter contract of our own: features use each other's public names only.

`lint-imports` (configured in pyproject.toml) loads it as the `private_names` contract type.
A feature package may import another feature's public functions, but a name that starts with
one underscore (`_bump_counters`) is that feature's own business: importing it
(`from forum.board.services import _bump_counters`) or reaching it through a module
(`services._bump_counters(...)`) from another feature breaks the contract.
"""

from __future__ import annotations

import ast
import importlib.util

from importlinter import Contract, ContractCheck, fields, output


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


class PrivateNamesContract(Contract):
    """No feature imports or uses another feature's private (underscore) names."""

    type_name = "private names"

    features = fields.ListField(subfield=fields.StringField())

    def _feature_of(self, module: str) -> str | None:
        for feature in self.features:
            if module == feature or module.startswith(feature + "."):
                return feature
        return None

    def _violations_in(self, module: str) -> list[str]:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return []
        is_package = spec.submodule_search_locations is not None
        own = self._feature_of(module)
        with open(spec.origin, encoding="utf-8") as source:
            tree = ast.parse(source.read(), spec.origin)
        found: list[str] = []
        foreign_aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(node, module, is_package)
                feature = self._feature_of(target)
                if feature is None or feature == own:
                    continue
                for alias in node.names:
                    if _private(alias.name):
                        found.append(f"{module}:{node.lineno} imports {target}.{alias.name}")
                    else:
                        foreign_aliases[alias.asname or alias.name] = f"{target}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    feature = self._feature_of(alias.name)
                    if feature is not None and feature != own and alias.asname:
                        foreign_aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in foreign_aliases
                and _private(node.attr)
            ):
                found.append(
                    f"{module}:{node.lineno} uses {foreign_aliases[node.value.id]}.{node.attr}"
                )
        return found

    def check(self, graph, verbose: bool) -> ContractCheck:
        """Read every module of every feature and list the private names it takes from others."""
        violations: list[str] = []
        for feature in self.features:
            for module in sorted({feature, *graph.find_descendants(feature)}):
                violations.extend(self._violations_in(module))
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        """One line per private name taken from another feature."""
        for violation in check.metadata["violations"]:
            output.print_error(violation)
            output.new_line()
