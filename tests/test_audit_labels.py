"""Every audit action recorded anywhere has a label, translated in every language, and the audit
log shows it in the reader's language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from factories import make_user
from flask_babel import force_locale

from forum.extensions import db
from forum.models import FlagResolution, record_audit
from forum.practices.services import LIST_MODELS

ROOT = Path(__file__).resolve().parent.parent
FORUM = ROOT / "forum"

# Keys built at run time, by call site (the action argument as written) -> every key it can make.
DYNAMIC_ACTIONS = {
    "f'flag.{action}'": {f"flag.{resolution.value}" for resolution in FlagResolution},
    "f\"{kind}.{('create' if creating else 'update')}\"": {
        f"{kind}.{verb}" for kind in LIST_MODELS for verb in ("create", "update")},
}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _action_argument(call: ast.Call, position: int) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == "action"), None)


def _functions():
    for path in sorted(FORUM.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield path, node


def _parameters(function) -> list[str]:
    return [a.arg for a in function.args.posonlyargs + function.args.args]


def audited_actions() -> tuple[set[str], list[str]]:
    """Every action key the code can record, and the call sites this test cannot read."""
    functions = list(_functions())
    # Functions that record their own `action` parameter: record_audit and the helpers around it.
    recorders = {"record_audit": 1}
    changed = True
    while changed:
        changed = False
        for _path, function in functions:
            params = _parameters(function)
            if function.name in recorders:
                continue
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and _name(call.func) in recorders:
                    arg = _action_argument(call, recorders[_name(call.func)])
                    if isinstance(arg, ast.Name) and arg.id in params:
                        recorders[function.name] = params.index(arg.id)
                        changed = True
    actions: set[str] = set()
    unreadable: list[str] = []

    def collect(node: ast.expr, params: list[str], where: str) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            actions.add(node.value)
        elif isinstance(node, ast.IfExp):
            collect(node.body, params, where)
            collect(node.orelse, params, where)
        elif isinstance(node, ast.Name) and node.id in params:
            pass  # a recorder passing its own parameter on: its callers are read instead
        elif ast.unparse(node) in DYNAMIC_ACTIONS:
            actions.update(DYNAMIC_ACTIONS[ast.unparse(node)])
        else:
            unreadable.append(f"{where}: {ast.unparse(node)}")

    for path, function in functions:
        params = _parameters(function) if function.name in recorders else []
        for call in ast.walk(function):
            if isinstance(call, ast.Call) and _name(call.func) in recorders:
                arg = _action_argument(call, recorders[_name(call.func)])
                where = f"{path.relative_to(ROOT)}:{call.lineno}"
                if arg is None:
                    unreadable.append(f"{where}: no action argument")
                else:
                    collect(arg, params, where)
    return actions, unreadable


def test_every_audited_action_has_a_label(app):
    actions, unreadable = audited_actions()
    assert unreadable == [], "teach DYNAMIC_ACTIONS how these call sites build their keys"
    # The scan really finds the call sites (the features record about fifty kinds of action).
    assert {"thread.pin", "practice.publish", "document.delete", "glossary.delete",
            "action.status", "indicators.update", "flag.messaged", "post.edit"} <= actions
    labels = app.extensions["audit_labels"]
    assert sorted(actions - set(labels)) == []
    assert sorted(set(labels) - actions) == []


@pytest.mark.parametrize("language", ["es", "fr"])
def test_audit_labels_are_translated(app, language):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = []
    for action, label in app.extensions["audit_labels"].items():
        with app.test_request_context(), force_locale("en"):
            msgid = str(label)  # English is the source language: its text is the msgid
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            untranslated.append(action)
    assert untranslated == []


def test_audit_log_shows_translated_labels(client, login_as):
    admin = make_user("admin", locale="es")
    record_audit(admin, "practice.publish", "practice", 7, label="Registro biométrico")
    record_audit(admin, "glossary.delete", "glossary_entry", 3, label="refugio")
    record_audit(admin, "category.created", "category", 2, label="consultas")
    db.session.commit()
    login_as(admin)
    page = client.get("/moderation/audit").get_data(as_text=True)
    assert "práctica publicada" in page and "entrada del glosario eliminada" in page
    assert ">practice.publish<" not in page and ">glossary.delete<" not in page
    admin_page = client.get("/admin/").get_data(as_text=True)  # its own short list
    assert "categoría creada" in admin_page and ">category.created<" not in admin_page
