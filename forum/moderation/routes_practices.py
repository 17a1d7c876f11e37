"""Routes for practices: flag a practice, feature and unfeature it (home page)."""

from __future__ import annotations

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..extensions import db
from ..models import FlagTarget
from ..models.practices import Practice
from ..web.links import practice_url
from ..web.refusals import conceal, refuse
from . import bp, services, services_featured
from .forms import ConfirmForm, FlagForm


def _load_practice(practice_id: int) -> Practice:
    practice = db.session.get(Practice, practice_id)
    if practice is None or not permissions.can_view_practice(current_user, practice):
        conceal()
    return practice


@bp.route("/flag/practice/<int:practice_id>", methods=["GET", "POST"])
@login_required
def flag_practice(practice_id: int):
    """Flag a practice for the moderators."""
    practice = _load_practice(practice_id)
    if practice.author_id == current_user.id:
        flash(_("You cannot flag your own practice. Edit it instead."), "error")
        return render_template("moderation/flag_refused.html", practice=practice), 403
    if not permissions.can_flag_practice(current_user, practice):
        refuse()
    if services.open_flag_for(current_user, FlagTarget.PRACTICE.value, practice.id) is not None:
        flash(_("You have already flagged this. Moderators will review it; you can follow it "
                "on your flags page."), "info")
        return render_template("moderation/flag_refused.html", practice=practice), 409
    form = FlagForm()
    if not form.validate_on_submit():
        return render_template("moderation/flag.html", form=form, practice=practice), (
            422 if form.errors else 200)
    try:
        services.create_flag(current_user, FlagTarget.PRACTICE.value, practice.id,
                             form.reason.data, form.detail.data, form.original_url.data)
    except services.ModerationError as exc:
        flash(exc.message, "error")
        return render_template("moderation/flag_refused.html", practice=practice), exc.status
    flash(_("Thank you. The moderators received your flag; you can follow it on your flags "
            "page."), "success")
    return redirect(practice_url(practice))


@bp.route("/practice/<int:practice_id>/<any(feature, unfeature):tool>", methods=["GET", "POST"])
@login_required
def feature_practice(practice_id: int, tool: str):
    """Feature a published practice on the home page, or take it off, after confirmation."""
    practice = _load_practice(practice_id)
    if not permissions.can_feature_practice(current_user):
        refuse()
    form = ConfirmForm()
    featuring_it = tool == "feature"
    context = {
        "form": form, "practice": practice,
        "title": _("Feature the practice") if featuring_it else _("Stop featuring the practice"),
        "question": (_("Show this practice among the featured practices on the home page?")
                     if featuring_it else
                     _("Remove this practice from the featured practices of the home page?")),
        "button": _("Feature") if featuring_it else _("Stop featuring"),
    }
    if not form.validate_on_submit():
        return render_template("moderation/practice_confirm.html", **context), (
            422 if form.errors else 200)
    try:
        if featuring_it:
            services_featured.feature_practice(current_user, practice, form.reason.data)
        else:
            services_featured.unfeature_practice(current_user, practice, form.reason.data)
    except services.ModerationError as exc:
        if isinstance(exc, services.NothingToDo):
            flash(exc.message, "info")
            return redirect(practice_url(practice))
        flash(exc.message, "error")
        return render_template("moderation/practice_confirm.html", **context), exc.status
    flash(_("The practice is now featured on the home page.") if featuring_it
          else _("The practice is no longer featured."), "success")
    return redirect(practice_url(practice))
