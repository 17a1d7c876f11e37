"""Attachments: content-type sniffing, size limit, safe names, and storage outside static/.

A file is streamed to a temporary name in UPLOAD_DIR, checked, then renamed into place; the
database row is committed last, and the file is removed again if anything fails on the way.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import unicodedata
import uuid
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Attachment

KINDS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
    "png": ("image/png", "png"),
    "jpeg": ("image/jpeg", "jpg"),
}
CHUNK = 64 * 1024


class UploadError(Exception):
    """A rejected upload, with a translated message for the user and an HTTP status."""

    def __init__(self, message, status: int = 422):
        super().__init__(str(message))
        self.message = message
        self.status = status


# Office files are zip archives: their type check reads at most these much, whatever they declare.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_CENTRAL_DIRECTORY = 2 * 1024 * 1024
ZIP_MAX_EXPANDED = 512 * 1024 * 1024  # the sum of the sizes the entries declare
ZIP_MAX_RATIO = 200  # declared size / compressed size, for entries over 1 MiB
ZIP_PREFIX = 200_000  # bytes of a manifest entry that are read
_EOCD = struct.Struct("<4s4H2LH")


def _not_accepted() -> UploadError:
    return UploadError(
        _l("This type of file is not accepted. Upload a PDF, DOCX, XLSX, ODT, PNG or JPEG file."),
        415)


def _too_large_archive() -> UploadError:
    return UploadError(
        _l("This file is a compressed archive that expands to more than %(size)s MB, or holds "
           "too many files, so it was refused.", size=f"{ZIP_MAX_EXPANDED / (1024 * 1024):g}"),
        413)


def sniff(path: Path) -> str | None:
    """The attachment kind from the file's content (magic bytes), or None when not accepted.

    Raises UploadError (413) for an archive that would expand too far to be checked.
    """
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    return None


def _zip_directory_fits(path: Path) -> bool | None:
    """Whether the archive's central directory is small enough to be read (None: not a zip).

    Read from the end record before zipfile builds an object per entry.
    """
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        tail_size = min(size, _EOCD.size + 0xFFFF)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        return None
    _sig, _disk, _cd_disk, _here, entries, cd_size, _cd_offset, _comment = _EOCD.unpack_from(tail, at)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        return None  # ZIP64: no Office file of an accepted size needs it
    return entries <= ZIP_MAX_ENTRIES and cd_size <= ZIP_MAX_CENTRAL_DIRECTORY


def _read_prefix(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most `limit` bytes of an entry: zipfile inflates deflate entries only as far as asked."""
    with archive.open(name) as entry:
        return entry.read(limit)


def _sniff_zip(path: Path) -> str | None:
    fits = _zip_directory_fits(path)
    if fits is None:
        return None
    if not fits:
        raise _too_large_archive()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES:
                raise _too_large_archive()
            expanded = 0
            for info in infos:
                # Only the methods Office and ODF write; others (bzip2, lzma) inflate unbounded.
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise _not_accepted()
                expanded += info.file_size
                if expanded > ZIP_MAX_EXPANDED or (
                    info.file_size > 1024 * 1024
                    and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1)
                ):
                    raise _too_large_archive()
            names = {info.filename for info in infos}
            if "mimetype" in names:
                mimetype = _read_prefix(archive, "mimetype", 100).strip()
                if mimetype == b"application/vnd.oasis.opendocument.text":
                    return "odt"
                return None
            if "[Content_Types].xml" in names:
                types = _read_prefix(archive, "[Content_Types].xml", ZIP_PREFIX)
                if b"wordprocessingml.document.main+xml" in types and "word/document.xml" in names:
                    return "docx"
                if b"spreadsheetml.sheet.main+xml" in types and "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError,
            EOFError, zlib.error):
        return None
    return None


def safe_filename(name: str, kind: str) -> str:
    """A display name without paths or control characters, ending in the detected extension."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C",))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w\s().,-]+", "_", stem).strip(" ._-")
    stem = re.sub(r"\s+", " ", stem)[:120] or "document"
    return f"{stem}.{KINDS[kind][1]}"


def upload_root() -> Path:
    """The folder where attachments live (outside static/)."""
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def stored_path(attachment: Attachment) -> Path:
    """Where an attachment's bytes are on disk."""
    return upload_root() / attachment.storage_key[:2] / attachment.storage_key


class StagedUpload:
    """A checked file waiting under a temporary name until its parent is known."""

    def __init__(self, temp: Path, key: str, kind: str, size: int, sha256: str, name: str):
        self.temp, self.key, self.kind, self.size, self.sha256 = temp, key, kind, size, sha256
        self.filename = safe_filename(name, kind)
        self.final = temp.parent / key[:2] / key

    def attach(self, uploader, *, practice=None, post=None) -> Attachment:
        """Move the file into place and commit its Attachment row (the file goes if that fails)."""
        try:
            document = self.place(uploader, practice=practice, post=post)
            db.session.commit()
            return document
        except BaseException:
            db.session.rollback()
            self.discard()
            raise

    def place(self, uploader, *, practice=None, post=None) -> Attachment:
        """Move the file into place and add its Attachment row to the session, without
        committing: a caller whose transaction fails must `discard()` the file."""
        self.final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.temp, self.final)
        document = Attachment(
            practice_id=getattr(practice, "id", None), post_id=getattr(post, "id", None),
            uploader_id=uploader.id, filename=self.filename, storage_key=self.key,
            kind=self.kind, mimetype=KINDS[self.kind][0], size=self.size,
            sha256=self.sha256,
        )
        db.session.add(document)
        return document

    def discard(self) -> None:
        """Remove whatever is on disk for this upload."""
        for path in (self.temp, self.final):
            try:
                path.unlink()
            except FileNotFoundError:
                pass


def stage_upload(storage) -> StagedUpload:
    """Stream an uploaded file to a temporary name and check its size and content."""
    if storage is None or not getattr(storage, "filename", ""):
        raise UploadError(_l("Choose a file to upload."), 400)
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    key = uuid.uuid4().hex
    temp = upload_root() / f".incoming-{key}"
    digest = hashlib.sha256()
    size = 0
    try:
        with temp.open("wb") as out:
            while True:
                chunk = storage.stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise UploadError(
                        _l("The file is larger than the limit of %(size)s MB.",
                           size=f"{limit / (1024 * 1024):g}"), 413)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadError(_l("The file is empty."), 400)
        kind = sniff(temp)
        if kind is None:
            raise _not_accepted()
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StagedUpload(temp, key, kind, size, digest.hexdigest(), storage.filename)


def save_upload(storage, uploader, *, practice=None, post=None) -> Attachment:
    """Check and store an uploaded file and commit its Attachment row; raise UploadError."""
    return stage_upload(storage).attach(uploader, practice=practice, post=post)


@contextmanager
def post_attachment(field: str = "attachment"):
    """Stage the optional file of a new post before the post is written.

    Yields None when no file was chosen. Raises UploadError (before anything is stored) when
    the file is refused; a staged file that was not attached is removed on the way out.
    """
    storage = request.files.get(field)
    if storage is None or not storage.filename:
        yield None
        return
    staged = stage_upload(storage)
    try:
        yield staged
    finally:
        staged.temp.unlink(missing_ok=True)
