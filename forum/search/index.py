"""Where the index lives on disk: generations, the cursor kept with them, locks and searchers.

Layout of ``SEARCH_INDEX_DIR`` (one per application node)::

    CURRENT         name of the live generation directory (replaced atomically by reindex)
    node-id         this index's name in the search_consumer table
    drain.lock      flock held by the one process applying changes (or switching generations)
    ix-<stamp>/     a Whoosh index plus ``cursor.json``: how far it has applied the change log

Each process keeps one searcher and reopens it when the index generation changes; it never calls
``Searcher.refresh()``, which returns wrong results after updates in whoosh-reloaded 2.7.5.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

from flask import current_app
from whoosh.filedb.filestore import FileStorage

from ..platform.file_lock import FileLock
from . import whoosh_fixes
from .schema import SCHEMA_VERSION, make_schema
from .scoring import CachedLengthBM25F

whoosh_fixes.apply()


class IndexUnavailable(Exception):
    """The index could not be opened or rebuilt."""


class IndexHandle:
    """One node's index root: the live generation, its searcher and its cursor."""

    def __init__(self, root: str | Path, mmap: bool = False):
        self.root = Path(root)
        self.mmap = mmap
        self._lock = threading.RLock()
        self._pid = None
        self._ix = None
        self._ix_dir = None
        self._searcher = None
        self._searcher_gen = None
        # The searcher replaced last: still open, so a caller that took it a moment before the
        # index changed (within the same request) can finish with it; closed at the next change.
        self._retired = None

    # -- layout ------------------------------------------------------------------------------

    @property
    def lock(self) -> FileLock:
        """A fresh lock object on this root's drain.lock."""
        return FileLock(self.root / "drain.lock")

    def node_id(self) -> str:
        """This index's stable name in the change-log consumers table."""
        path = self.root / "node-id"
        try:
            return path.read_text().strip()
        except FileNotFoundError:
            self.root.mkdir(parents=True, exist_ok=True)
            value = f"{os.uname().nodename[:40]}-{uuid.uuid4().hex[:12]}"
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(value)
            try:
                os.link(tmp, path)  # first writer wins
            except FileExistsError:
                pass
            tmp.unlink(missing_ok=True)
            return path.read_text().strip()

    def current_dir(self) -> Path | None:
        """The live generation directory, or None before the first build."""
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        return self.root / name if name else None

    def new_dir(self) -> Path:
        """A fresh, empty generation directory."""
        path = self.root / f"ix-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        path.mkdir(parents=True)
        return path

    def switch_to(self, path: Path) -> None:
        """Make `path` the live generation atomically and remove the older ones."""
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        tmp.write_text(path.name)
        os.replace(tmp, self.root / "CURRENT")
        for old in self.root.glob("ix-*"):
            if old.is_dir() and old.name != path.name:
                shutil.rmtree(old, ignore_errors=True)

    def storage(self, path: Path) -> FileStorage:
        """Whoosh file storage; without mmap each process holds far less memory."""
        return FileStorage(str(path), supports_mmap=self.mmap)

    # -- cursor --------------------------------------------------------------------------------

    @staticmethod
    def read_cursor(path: Path) -> dict:
        """The cursor stored with a generation: applied-through id and recent late-commit ids."""
        try:
            data = json.loads((path / "cursor.json").read_text())
        except (FileNotFoundError, ValueError):
            return {"cursor": 0, "recent": {}, "schema": None}
        data.setdefault("recent", {})
        return data

    @staticmethod
    def write_cursor(path: Path, data: dict) -> None:
        """Store the cursor next to the index files (write then rename: never half written)."""
        tmp = path / f"cursor.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path / "cursor.json")

    # -- opening -------------------------------------------------------------------------------

    def create_index(self, path: Path):
        """Create an empty index in `path`."""
        ix = self.storage(path).create_index(make_schema())
        self.write_cursor(path, {"cursor": 0, "recent": {}, "schema": SCHEMA_VERSION})
        return ix

    def open_current(self):
        """The live index, reopened when the generation directory changed; raises if broken."""
        with self._lock:
            if self._pid != os.getpid():
                self._reset()
            path = self.current_dir()
            if path is None:
                raise IndexUnavailable("no index built yet")
            if self._ix is None or self._ix_dir != path:
                self._close_searcher()
                if self.read_cursor(path).get("schema") != SCHEMA_VERSION:
                    raise IndexUnavailable("index built with another schema")
                self._ix = self.storage(path).open_index()
                self._ix_dir = path
            return self._ix

    def searcher(self):
        """This process's searcher, reopened (never refreshed) when the index has changed."""
        with self._lock:
            ix = self.open_current()
            generation = ix.latest_generation()
            if self._searcher is None or generation != self._searcher_gen:
                self._retire_searcher()
                self._searcher = ix.searcher(weighting=CachedLengthBM25F())
                self._searcher_gen = generation
            return self._searcher

    @property
    def searcher_generation(self):
        """The index generation the current searcher reads (None before one is opened)."""
        return self._searcher_gen

    def _retire_searcher(self) -> None:
        """Keep the current searcher open as the retired one; close the one retired before."""
        retired, self._retired = self._retired, self._searcher
        self._searcher = None
        self._searcher_gen = None
        _close_quietly(retired)

    def _close_searcher(self) -> None:
        """Close the current and the retired searchers."""
        _close_quietly(self._searcher)
        _close_quietly(self._retired)
        self._searcher = self._retired = None
        self._searcher_gen = None

    def _reset(self) -> None:
        """After a fork, never share the parent's open files."""
        self._searcher = self._retired = None
        self._searcher_gen = None
        self._ix = None
        self._ix_dir = None
        self._pid = os.getpid()

    def close(self) -> None:
        """Close the searcher (tests and shutdown)."""
        with self._lock:
            self._close_searcher()
            self._ix = None
            self._ix_dir = None


def _close_quietly(searcher) -> None:
    if searcher is not None:
        try:
            searcher.close()
        except Exception:  # a searcher on removed files may fail to close; drop it anyway
            pass


def handle(app=None) -> IndexHandle:
    """The index handle of an application (created on first use)."""
    app = app or current_app
    ext = app.extensions.setdefault("search", {})
    if "handle" not in ext:
        ext["handle"] = IndexHandle(app.config["SEARCH_INDEX_DIR"],
                                    mmap=app.config.get("SEARCH_MMAP", False))
    return ext["handle"]
