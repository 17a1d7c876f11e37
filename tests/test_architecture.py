"""The layers of the house hold: `lint-imports` passes on forum/ and fails on planted violations."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run lint-imports in a folder, with this repository importable (for our contract type)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(cwd), str(ROOT)])}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=120,
    )


def test_the_forum_keeps_its_import_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def write_package(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))


PLANTED_CONFIG = """
[importlinter]
root_package = shop
contract_types =
    private_names: tests.import_contracts.PrivateNamesContract

[importlinter:contract:layers]
name = Layers
type = layers
containers = shop
layers =
    cart : orders
    permissions
    models

[importlinter:contract:private]
name = Private names
type = private_names
features =
    shop.cart
    shop.orders

[importlinter:contract:acyclic]
name = No cycles
type = acyclic_siblings
ancestors = shop
"""


def planted_shop(tmp_path: Path, **overrides: str) -> Path:
    files = {
        "shop/__init__.py": "",
        "shop/models.py": "ITEMS = []\n",
        "shop/permissions.py": "from . import models\n",
        "shop/cart/__init__.py": "",
        "shop/cart/services.py": "from .. import permissions\n\ndef _total():\n    return 0\n",
        "shop/orders/__init__.py": "",
        "shop/orders/services.py": "from ..cart import services\n\ndef place():\n    return 1\n",
        ".importlinter": PLANTED_CONFIG,
    }
    files.update(overrides)
    write_package(tmp_path, files)
    return tmp_path


def test_a_clean_planted_package_passes(tmp_path):
    result = lint_imports(planted_shop(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_lower_layer_importing_a_higher_one_fails(tmp_path):
    result = lint_imports(planted_shop(tmp_path, **{
        "shop/models.py": "from . import permissions\n",
    }))
    assert result.returncode == 1
    assert "shop.models is not allowed to import shop.permissions" in result.stdout


def test_a_private_name_of_another_feature_fails(tmp_path):
    result = lint_imports(planted_shop(tmp_path, **{
        "shop/orders/services.py": "from ..cart.services import _total\n",
    }))
    assert result.returncode == 1
    assert "shop.orders.services:1 imports shop.cart.services._total" in result.stdout


def test_a_private_name_reached_through_a_module_fails(tmp_path):
    result = lint_imports(planted_shop(tmp_path, **{
        "shop/orders/services.py": "from ..cart import services\n\nservices._total()\n",
    }))
    assert result.returncode == 1
    assert "shop.orders.services:3 uses shop.cart.services._total" in result.stdout


def test_a_cycle_between_features_fails(tmp_path):
    result = lint_imports(planted_shop(tmp_path, **{
        "shop/cart/views.py": "from ..orders import services\n",
    }))
    assert result.returncode == 1
    assert "No cycles BROKEN" in result.stdout
