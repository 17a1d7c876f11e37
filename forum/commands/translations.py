"""`flask translations`: find and fill untranslated catalog entries."""

from __future__ import annotations

import json
from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po
from flask import current_app
from flask.cli import AppGroup

translations_cli = AppGroup("translations", help="Inspect and fill the es/fr catalogs.")


def catalog_path(lang: str) -> Path:
    """The .po file of a language."""
    return Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"]) / lang / "LC_MESSAGES" / "messages.po"


def untranslated(lang: str) -> dict[str, str]:
    """Every msgid whose translation is missing, empty or fuzzy (plurals keyed by singular)."""
    with catalog_path(lang).open("rb") as handle:
        catalog = read_po(handle)
    missing = {}
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            missing[key] = ""
    return missing


@translations_cli.command("todo")
@click.argument("lang")
def todo_command(lang: str) -> None:
    """Print the untranslated entries of LANG as a JSON object to fill in."""
    click.echo(json.dumps(untranslated(lang), ensure_ascii=False, indent=1))


@translations_cli.command("apply")
@click.argument("lang")
@click.argument("source", type=click.File("r", encoding="utf-8"))
def apply_command(lang: str, source) -> None:
    """Fill LANG's catalog from a JSON object {msgid: translation} (plural: [one, other])."""
    values = json.load(source)
    path = catalog_path(lang)
    with path.open("rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key not in values or not values[key]:
            continue
        value = values[key]
        if isinstance(message.id, tuple):
            if not isinstance(value, list):
                click.echo(f"skipped plural entry {key!r}: give a list [singular, plural]", err=True)
                continue
            forms = value
            message.string = tuple(forms[: catalog.num_plurals]) + tuple(
                forms[-1:] * max(0, catalog.num_plurals - len(forms))
            )
        else:
            message.string = value[0] if isinstance(value, list) else value
        message.flags.discard("fuzzy")
        filled += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, include_previous=False)
    click.echo(f"{filled} entries filled in {path}; {len(untranslated(lang))} still missing.")
