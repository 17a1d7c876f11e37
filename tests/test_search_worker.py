"""The search worker backs off when the index cannot be written, and says so once per try."""

from __future__ import annotations

import logging
import signal
import time


class _Stop(Exception):
    """Ends the worker loop from the fake clock."""


def test_worker_backs_off_exponentially_on_a_failing_index(app, runner, monkeypatch, caplog):
    from forum.search import commands

    app.config["SEARCH_WORKER_POLL"] = 0.5
    app.config["SEARCH_WORKER_MAX_BACKOFF"] = 60
    calls = {"sync": 0}

    def read_only(**_kwargs):
        calls["sync"] += 1
        raise OSError(30, "Read-only file system")

    pauses = []

    def fake_sleep(seconds):
        pauses.append(seconds)
        if len(pauses) >= 10:
            raise _Stop

    monkeypatch.setattr(commands, "sync", read_only)
    monkeypatch.setattr(time, "sleep", fake_sleep)
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    with caplog.at_level(logging.INFO):
        result = runner.invoke(args=["search", "worker"])
    assert isinstance(result.exception, _Stop)
    assert pauses == [0.5, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    records = [r for r in caplog.records if "search worker" in r.getMessage()]
    print(f"{len(records)} log records, {sum(p for p in pauses):g} s of pauses, "
          f"{calls['sync']} tries")
    assert len(records) == calls["sync"] == 10  # one line per try
    assert sum(1 for r in records if r.exc_info) == 1  # the traceback once

    # once the index works again, the worker says so and polls at its normal pace
    pauses.clear()
    caplog.clear()
    outcomes = iter([OSError(30, "Read-only file system"), 0, 0])

    def recovering(**_kwargs):
        outcome = next(outcomes, 0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(commands, "sync", recovering)
    with caplog.at_level(logging.INFO):
        runner.invoke(args=["search", "worker"])
    assert pauses[:3] == [0.5, 0.5, 0.5]
    assert any("works again" in r.getMessage() for r in caplog.records)
