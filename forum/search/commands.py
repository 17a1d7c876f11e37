"""`flask search ...`: reindex, sync, check and the dedicated worker."""

from __future__ import annotations

import signal
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from .index import handle
from .writer import _session, check, count_documents, pending_count, prune, rebuild, sync

search_cli = AppGroup("search", help="The search index: rebuild, apply changes, verify.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the index from the database into a new directory and switch to it."""
    session = _session()
    try:
        total = count_documents(session)
        started = time.monotonic()
        with click.progressbar(length=total, label="Indexing", show_pos=True,
                               file=sys.stderr) as bar:
            count = rebuild(handle(), session, progress=bar.update)
    finally:
        session.close()
    elapsed = time.monotonic() - started
    rate = count / elapsed if elapsed else 0
    click.echo(f"{count} document(s) indexed in {elapsed:.1f} s ({rate:.0f}/s); "
               f"index switched to {handle().current_dir()}.")
    sync()


@search_cli.command("sync")
def sync_command() -> None:
    """Apply every pending change to the index (waits for a running writer)."""
    applied = sync(wait=60.0)
    click.echo(f"{applied} changes applied; {pending_count()} pending.")


@search_cli.command("check")
@click.option("--no-sync", is_flag=True, help="Compare without applying pending changes first.")
@click.option("--limit", default=20, show_default=True, help="How many keys to list per kind of drift.")
def check_command(no_sync: bool, limit: int) -> None:
    """Compare the database with the index; exit status 1 when they differ."""
    if not no_sync:
        sync(wait=60.0)
    report = check()
    click.echo(f"{report['expected']} documents expected, {report['indexed']} indexed.")
    if report.get("error"):
        click.echo(f"The index could not be opened: {report['error']}")
    drift = False
    for name in ("missing", "extra", "stale"):
        keys = report[name]
        if keys:
            drift = True
            shown = ", ".join(keys[:limit]) + (" …" if len(keys) > limit else "")
            click.echo(f"{name}: {len(keys)} ({shown})")
    if drift or report.get("error"):
        click.echo("Drift found: run `flask --app wsgi search reindex` (or `search sync`).")
        sys.exit(1)
    click.echo("The index matches the database.")


class Backoff:
    """The pause after consecutive failures: the poll interval, doubled each time, capped."""

    def __init__(self, base: float, maximum: float):
        self.base, self.maximum, self.failures = base, maximum, 0

    def failed(self) -> float:
        """Count a failure and return how long to wait before the next try."""
        self.failures += 1
        return min(self.base * 2 ** (self.failures - 1), self.maximum)

    def succeeded(self) -> bool:
        """Reset after a success; True when it ends a run of failures."""
        ended, self.failures = self.failures > 0, 0
        return ended


def worker_loop(stopping, *, once: bool = False, sleep=None) -> None:
    """Apply pending changes until stopping() is true. A failing index (read-only, full disk)
    is retried after exponentially longer pauses, logged once per try (the traceback once)."""
    sleep = sleep or time.sleep
    config = current_app.config
    poll = config["SEARCH_WORKER_POLL"]
    backoff = Backoff(poll, config.get("SEARCH_WORKER_MAX_BACKOFF", 300))
    last_prune = 0.0
    while not stopping():
        try:
            applied = sync(wait=poll)
            if time.monotonic() - last_prune > config["SEARCH_PRUNE_INTERVAL"]:
                prune()
                last_prune = time.monotonic()
        except Exception as error:  # keep serving: the rows stay pending and are retried
            delay = backoff.failed()
            if backoff.failures == 1:
                current_app.logger.exception("search worker: sync failed; next try in %g s",
                                             delay)
            else:
                current_app.logger.error("search worker: sync failed again (%d times: %s); next "
                                         "try in %g s", backoff.failures, error, delay)
            if once:
                break
            sleep(delay)
            continue
        if backoff.succeeded():
            current_app.logger.warning("search worker: sync works again")
        if once:
            break
        if not applied:
            sleep(poll)


@search_cli.command("worker")
@click.option("--once", is_flag=True, help="Apply what is pending, then stop.")
def worker_command(once: bool) -> None:
    """Apply changes as they come, as a dedicated process (stops on SIGTERM or Ctrl-C)."""
    stopping = False

    def stop(_signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"search worker: index {handle().root}, polling every "
               f"{current_app.config['SEARCH_WORKER_POLL']} s.")
    worker_loop(lambda: stopping, once=once)
    click.echo("search worker stopped.")
