"""The application a `flask mail worker` subprocess of the tests runs.

`flask --app mail_worker_app:create mail worker` with the test app's settings in
MAIL_WORKER_CONFIG (JSON). With MAIL_WORKER_LOG set, each outbox write is logged there, one
line per call ("<file name> written" or "<file name> existed"), so a test can tell a message
written once from one handed over again after a crash. With MAIL_WORKER_EXIT_AFTER_WRITES=n
the process dies (os._exit) right after its n-th write, before recording the message as sent.
"""

from __future__ import annotations

import json
import os

from forum import create_app


def create():
    """The app of one worker process."""
    app = create_app(json.loads(os.environ["MAIL_WORKER_CONFIG"]))
    log_path = os.environ.get("MAIL_WORKER_LOG")
    if log_path:
        from forum.platform import mail

        original = mail.write_outbox_file
        exit_after = int(os.environ.get("MAIL_WORKER_EXIT_AFTER_WRITES") or 0)
        writes = []

        def logged(folder, file_name, data):
            existed = (folder / file_name).exists()
            path = original(folder, file_name, data)
            with open(log_path, "a", encoding="utf-8") as log:
                log.write(f"{file_name} {'existed' if existed else 'written'} {os.getpid()}\n")
            writes.append(file_name)
            if exit_after and len(writes) >= exit_after:
                os._exit(9)
            return path

        mail.write_outbox_file = logged
    return app
