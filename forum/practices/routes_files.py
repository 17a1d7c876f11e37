"""Documents: upload to a practice or a post, download, remove."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..content.attachments import UploadError, save_upload, stored_path
from ..extensions import db
from ..models import Attachment, Post
from ..models.practices import MinimumIndicator
from ..web.links import post_url
from ..web.refusals import conceal, refuse
from . import bp, services
from .forms import ActionForm, DocumentForm, ReasonForm
from .routes import load_practice
from .services_documents import remove_document


@bp.post("/practices/<int:practice_id>/documents")
@login_required
def upload_practice_document(practice_id: int):
    """Attach a file to a practice."""
    practice = load_practice(practice_id)
    if not permissions.can_upload_practice_document(current_user, practice):
        refuse()
    form = DocumentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        document = save_upload(request.files.get("file"), current_user, practice=practice)
    except UploadError as error:
        form.file.errors = [str(error.message)]
        indicators = services.all_items(MinimumIndicator)
        return render_template(
            "practices/view.html", practice=practice, indicators=indicators,
            reason_form=ReasonForm(), action_form=ActionForm(), document_form=form,
        ), error.status
    flash(_("“%(name)s” was attached.", name=document.filename), "success")
    return redirect(url_for("practices.view_practice", practice_id=practice.id,
                            _anchor="documents"))


@bp.post("/posts/<int:post_id>/documents")
@login_required
def upload_post_document(post_id: int):
    """Attach a file to a post (its author, or a moderator)."""
    post = db.session.get(Post, post_id) or conceal()
    if not permissions.can_read_thread(current_user, post.thread):
        conceal()
    if not permissions.can_upload_post_document(current_user, post):
        refuse()
    form = DocumentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        document = save_upload(request.files.get("file"), current_user, post=post)
    except UploadError as error:
        return render_template("practices/upload_error.html", message=error.message,
                               back=post_url(post)), error.status
    flash(_("“%(name)s” was attached.", name=document.filename), "success")
    return redirect(post_url(post))


@bp.route("/documents/<int:document_id>/<path:filename>")
def download_document(document_id: int, filename: str):
    """Serve a document to those who can read its parent; only images are shown inline."""
    document = db.session.get(Attachment, document_id)
    if document is None or not permissions.can_read_document(current_user, document):
        conceal()
    path = stored_path(document)
    if not path.is_file():
        conceal()
    response = send_file(path, mimetype=document.mimetype, as_attachment=not document.is_image,
                         download_name=document.filename, conditional=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/documents/<int:document_id>/delete")
@login_required
def delete_document(document_id: int):
    """Remove a document from its practice or post."""
    document = db.session.get(Attachment, document_id)
    if document is None or not permissions.can_read_document(current_user, document):
        conceal()
    if not permissions.can_delete_document(current_user, document):
        refuse()
    if not ActionForm().validate_on_submit():
        abort(400)
    practice_id, post = document.practice_id, document.post
    remove_document(current_user, document)
    flash(_("The document was removed."), "success")
    if practice_id:
        return redirect(url_for("practices.view_practice", practice_id=practice_id,
                                _anchor="documents"))
    return redirect(post_url(post))
