"""Attachments: content checks, safe names, storage outside static/, access, and clean-up."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from factories import make_post, make_thread, make_user
from practices_support import become_fixture, lists, make_practice  # noqa: F401
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03" + b"\x00" * 200


def _files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


class _Fetched:
    """A response read in full and closed (file responses keep the file open otherwise)."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.headers = response.headers
        self.mimetype = response.mimetype
        self.data = response.get_data()
        response.close()


def _get(client, url) -> _Fetched:
    return _Fetched(client.get(url))


def _upload(client, practice, data: bytes, name: str):
    return client.post(f"/practices/{practice.id}/documents",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Protocolo de atención consular")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["caso", "fecha"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _odt(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def _setup(status="draft"):
    populations, _, _ = lists()
    liaison = make_user("liaison", delegation="GT")
    practice = make_practice(liaison, status=status, populations=[populations["travellers"]])
    return liaison, practice


def test_accepted_types_are_stored_outside_static(app, client, become):
    liaison, practice = _setup()
    become(liaison)
    for data, name, kind in [(PDF, "informe.pdf", "pdf"), (PNG, "foto.png", "png"),
                             (_docx(), "protocolo.docx", "docx"), (_xlsx(), "casos.xlsx", "xlsx"),
                             (_odt(), "guia.odt", "odt"),
                             (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "foto.jpeg", "jpeg")]:
        response = _upload(client, practice, data, name)
        assert response.status_code == 302, name
        document = db.session.scalar(select(Attachment).order_by(Attachment.id.desc()))
        assert document.kind == kind
    files = _files(app)
    assert len(files) == 6
    static = Path(app.static_folder).resolve()
    assert all(static not in f.resolve().parents for f in files)


def test_download_headers(client, become):
    liaison, practice = _setup()
    become(liaison)
    _upload(client, practice, PDF, "informe.pdf")
    _upload(client, practice, PNG, "mapa.png")
    pdf, png = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    response = _get(client, f"/documents/{pdf.id}/{pdf.filename}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "application/pdf"
    assert response.data == PDF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    image = _get(client, f"/documents/{png.id}/{png.filename}")
    assert image.headers["Content-Disposition"].startswith("inline")
    assert image.mimetype == "image/png"


def test_lying_extensions_are_refused_and_leave_nothing(app, client, become):
    liaison, practice = _setup()
    become(liaison)
    for data, name in [(ELF, "informe.pdf"), (MZ, "setup.pdf"), (b"<html>hi</html>", "a.png"),
                       (_odt(b"application/x-evil"), "guia.odt"), (b"PK\x03\x04broken", "x.docx")]:
        response = _upload(client, practice, data, name)
        assert response.status_code == 415, name
        assert "This type of file is not accepted" in response.get_data(as_text=True)
    assert _files(app) == []
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_empty_missing_and_oversized_uploads(app, client, become):
    liaison, practice = _setup()
    become(liaison)
    response = _upload(client, practice, b"", "vacio.pdf")
    assert response.status_code == 400
    assert "The file is empty." in response.get_data(as_text=True)
    response = client.post(f"/practices/{practice.id}/documents", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    app.config["MAX_UPLOAD_BYTES"] = 1024
    response = _upload(client, practice, PDF + b"0" * 2000, "grande.pdf")
    assert response.status_code == 413
    assert "larger than the limit" in response.get_data(as_text=True)
    assert _files(app) == []
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_failed_commit_removes_the_file(app, client, become, monkeypatch):
    liaison, practice = _setup()
    become(liaison)

    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    response = _upload(client, practice, PDF, "informe.pdf")
    monkeypatch.undo()
    assert response.status_code == 500
    assert _files(app) == []


def test_names_are_sanitized(client, become):
    liaison, practice = _setup()
    become(liaison)
    _upload(client, practice, PDF, "../../etc/Informe  niñez\x07<2024>.exe")
    document = db.session.scalar(select(Attachment))
    assert document.filename == "Informe niñez_2024.pdf"
    assert "/" not in document.filename


def test_access_follows_the_parent(client, become):
    liaison, practice = _setup()
    become(liaison)
    _upload(client, practice, PDF, "borrador.pdf")
    document = db.session.scalar(select(Attachment))
    url = f"/documents/{document.id}/{document.filename}"
    for other in (None, make_user("liaison", delegation="MX"), make_user("moderator"),
                  make_user("observer")):
        become(other)
        assert _get(client, url).status_code == 404
    become(make_user("liaison", delegation="GT"))
    assert _get(client, url).status_code == 200
    # another delegation cannot attach files to this practice
    become(make_user("liaison", delegation="MX"))
    assert _upload(client, practice, PDF, "x.pdf").status_code == 404


def test_published_documents_are_public_until_the_practice_is_deleted(client, become):
    liaison, practice = _setup("published")
    become(liaison)
    _upload(client, practice, PDF, "informe.pdf")
    document = db.session.scalar(select(Attachment))
    url = f"/documents/{document.id}/{document.filename}"
    become(None)
    assert _get(client, url).status_code == 200
    become(make_user("liaison", delegation="MX"))
    assert _upload(client, practice, PDF, "x.pdf").status_code == 403
    become(make_user("moderator"))
    assert client.post(f"/practices/{practice.id}/delete", data={"reason": "duplicate"}).status_code == 302
    for user in (None, liaison):
        become(user)
        assert _get(client, url).status_code == 404


def test_post_documents(client, become):
    author = make_user("liaison", delegation="SV")
    thread = make_thread(author)
    post = make_post(thread, author)
    become(author)
    response = client.post(f"/posts/{post.id}/documents",
                           data={"file": (io.BytesIO(PDF), "acta.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    document = db.session.scalar(select(Attachment))
    assert document.post_id == post.id
    url = f"/documents/{document.id}/{document.filename}"
    become(make_user("observer"))
    assert _get(client, url).status_code == 200
    # others cannot attach to someone else's post; a lying file is refused
    become(make_user("liaison", delegation="MX"))
    assert client.post(f"/posts/{post.id}/documents", data={"file": (io.BytesIO(PDF), "x.pdf")},
                       content_type="multipart/form-data").status_code == 403
    become(author)
    response = client.post(f"/posts/{post.id}/documents", data={"file": (io.BytesIO(ELF), "x.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 415
    # hiding the post hides its documents from everyone but moderators
    post.is_hidden = True
    db.session.commit()
    become(make_user("observer"))
    assert _get(client, url).status_code == 404
    become(make_user("moderator"))
    assert _get(client, url).status_code == 200


def test_removing_a_document(client, become):
    liaison, practice = _setup()
    become(liaison)
    _upload(client, practice, PDF, "informe.pdf")
    document = db.session.scalar(select(Attachment))
    become(make_user("liaison", delegation="MX"))
    assert client.post(f"/documents/{document.id}/delete").status_code == 404
    become(liaison)
    assert client.post(f"/documents/{document.id}/delete").status_code == 302
    assert _get(client, f"/documents/{document.id}/{document.filename}").status_code == 404


def test_reply_and_new_thread_carry_an_attachment(app, client, become):
    from factories import make_category
    from sqlalchemy import func as sql_func

    from forum.models import Post, Thread

    author = make_user("liaison", delegation="SV")
    thread = make_thread(author)
    become(author)
    response = client.post(f"/threads/{thread.id}/reply", data={
        "body": "Adjunto el protocolo.", "language": "es", "submit": "1",
        "attachment": (io.BytesIO(PDF), "protocolo.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    document = db.session.scalar(select(Attachment))
    post = db.session.get(Post, document.post_id)
    assert post.body == "Adjunto el protocolo." and document.filename == "protocolo.pdf"
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "protocolo.pdf" in page

    # a refused file publishes nothing and keeps the text
    posts_before = db.session.scalar(select(sql_func.count(Post.id)))
    response = client.post(f"/threads/{thread.id}/reply", data={
        "body": "Texto que no debe perderse.", "language": "es", "submit": "1",
        "attachment": (io.BytesIO(ELF), "protocolo.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 415
    page = response.get_data(as_text=True)
    assert "This type of file is not accepted" in page and "Texto que no debe perderse." in page
    assert db.session.scalar(select(sql_func.count(Post.id))) == posts_before
    assert len(_files(app)) == 1

    category = make_category("members")
    response = client.post("/new", data={
        "category": category.slug, "title": "Guía de documentación consular", "tags": "",
        "body": "Comparto la guía.", "language": "es", "submit": "1",
        "attachment": (io.BytesIO(_docx()), "guía.docx")}, content_type="multipart/form-data")
    assert response.status_code == 302
    new = db.session.scalar(select(Thread).where(Thread.title == "Guía de documentación consular"))
    assert db.session.scalar(select(Attachment).where(Attachment.post_id == new.posts[0].id)).kind == "docx"
