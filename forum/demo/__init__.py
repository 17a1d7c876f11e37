"""Demo data for `flask seed-demo`: realistic content a new installation can be explored with."""

from __future__ import annotations

import importlib

# Seeders run in this order; each module exposes `seed() -> str` (a one-line summary).
SEEDERS = (
    "forum.demo.accounts",
    # discussion core
    "forum.demo.boards",
    "forum.demo.search",  # search
    # practices
    "forum.demo.practices",
    # moderation
    "forum.demo.moderation",
    # synthesis
    "forum.demo.synthesis",
)

DEMO_PASSWORD = "demo-password-2026"


def run_all() -> list[str]:
    """Run every seeder in order and return their summaries."""
    return [importlib.import_module(name).seed() for name in SEEDERS]
