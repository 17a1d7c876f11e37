"""Work that runs after the response has been sent, so its duration tells the client nothing.

A password-reset request does its lookup, writes its token and sends its mail only when the
response has gone out (the WSGI server closes the response), so an unknown address and a known
one answer in the same time. Outside a request the work runs at once.
"""

from __future__ import annotations

import functools
import threading

from flask import (
    Flask,
    Response,
    copy_current_request_context,
    current_app,
    has_request_context,
    request,
)

_ENVIRON_KEY = "forum.after_response"
_unsent: set[_Runner] = set()
_lock = threading.Lock()


def after_response(func, *args, **kwargs) -> None:
    """Run func(*args, **kwargs) once the response is sent, in a copy of this request's context."""
    if not has_request_context():
        func(*args, **kwargs)
        return
    job = copy_current_request_context(functools.partial(func, *args, **kwargs))
    request.environ.setdefault(_ENVIRON_KEY, []).append(job)


class _Runner:
    """The deferred jobs of one response; runs them once, logging (not raising) failures."""

    def __init__(self, app: Flask, jobs: list):
        self.app, self.jobs = app, jobs

    def __call__(self) -> None:
        with _lock:
            if self not in _unsent:
                return
            _unsent.discard(self)
        for job in self.jobs:
            try:
                job()
            except Exception:
                self.app.logger.exception("work deferred after a response failed")


def _schedule(response: Response) -> Response:
    jobs = request.environ.pop(_ENVIRON_KEY, None)
    if jobs:
        runner = _Runner(current_app._get_current_object(), jobs)
        with _lock:
            _unsent.add(runner)
        response.call_on_close(runner)
    return response


def run_pending(app: Flask) -> None:
    """Run the app's deferred work whose response was never closed (tests read the outbox this
    way); work left by other applications is dropped."""
    with _lock:
        runners = list(_unsent)
        _unsent.difference_update(r for r in runners if r.app is not app)
    for runner in runners:
        if runner.app is app:
            runner()


def init_app(app: Flask) -> None:
    """Attach deferred work to each response."""
    app.after_request(_schedule)
