"""Labels of the audit log's actions: each feature declares its own, collected at app creation.

A feature that records audit entries declares them in `<feature>/audit.py` as `AUDIT_LABELS`
(action key -> lazily translated label); `create_app` hands them all to `init_app`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Flask, current_app


def init_app(app: Flask, declared: Iterable[Mapping[str, object]]) -> None:
    """Collect the features' labels (a key labelled twice is an error) and expose the lookup."""
    labels: dict[str, object] = {}
    for mapping in declared:
        for action, label in mapping.items():
            if action in labels:
                raise RuntimeError(f"The audit action {action!r} is labelled twice.")
            labels[action] = label
    app.extensions["audit_labels"] = labels
    app.jinja_env.globals["audit_action_label"] = audit_action_label


def audit_labels() -> Mapping[str, object]:
    """Every audit action of the application with its label."""
    return current_app.extensions["audit_labels"]


def audit_action_label(action: str) -> str:
    """The translated description of an audit action key."""
    return str(audit_labels().get(action, action))
