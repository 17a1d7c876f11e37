"""An inter-process lock on a file, for work one process at a time may do on a node."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path


class FileLock:
    """A non-reentrant inter-process lock on a file (flock: released by the kernel if the
    process dies). The search applier's drain lock and the mail sender's lock on SQLite."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def acquire(self, timeout: float | None = 0.0) -> bool:
        """Try to take the lock; wait up to `timeout` seconds (None: forever)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.fd = fd
                return True
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
            if deadline is not None and time.monotonic() >= deadline:
                os.close(fd)
                return False
            time.sleep(0.02)

    def release(self) -> None:
        """Release the lock."""
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
