"""`flask backup PATH` and `flask restore PATH`."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from .archive import BackupError, restore_backup, write_backup


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path: str) -> None:
    """Write a consistent archive: every table, the uploaded documents and metadata."""
    started = time.monotonic()
    try:
        meta = write_backup(path, current_app.config["UPLOAD_DIR"])
    except (BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(meta["counts"].values())
    click.echo(
        f"Backup written to {path}: {rows} rows in {len(meta['counts'])} tables, "
        f"{meta['uploads']} uploaded files, schema {meta['schema_revision'] or 'unstamped'}, "
        f"{time.monotonic() - started:.1f} s."
    )


def _rebuild_index(ctx: click.Context) -> bool:
    search = current_app.cli.commands.get("search")
    reindex = getattr(search, "commands", {}).get("reindex") if search else None
    if reindex is None:
        return False
    ctx.invoke(reindex)
    return True


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
@with_appcontext
def restore_command(ctx: click.Context, path: str) -> None:
    """Load an archive into an empty installation, then rebuild the search index."""
    try:
        meta = restore_backup(path, current_app.config["UPLOAD_DIR"])
    except (BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(meta["counts"].values())
    if meta.get("schema_revision") != meta.get("target_revision"):
        click.echo(
            f"Note: the archive was made at schema {meta.get('schema_revision') or 'unstamped'}, "
            f"this database is at {meta.get('target_revision') or 'unstamped'}; every column "
            "matched, so the data was loaded."
        )
    click.echo(
        f"Restored {rows} rows in {len(meta['counts'])} tables and {meta['uploads']} uploaded "
        f"files from a backup made {meta['created_at']}."
    )
    if _rebuild_index(ctx):
        click.echo("Search index rebuilt.")
    else:
        click.echo("No search index to rebuild in this installation.")
