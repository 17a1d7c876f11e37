"""Texts the board pages compose: why a reply is refused, word-level diffs, a quote to reply with."""

from __future__ import annotations

import difflib
import re

from flask import url_for
from flask_babel import gettext as _

from .. import permissions
from ..models import Post, Role, Thread, Visibility


def reply_refusal(user, thread: Thread) -> str | None:
    """Why the user cannot reply to the thread, or None when they can."""
    if permissions.can_reply(user, thread):
        return None
    role = permissions.role_of(user)
    if not getattr(user, "is_authenticated", False):
        return _("Log in to reply to this thread.")
    if role is None:
        return _("Your account is suspended: it cannot post.")
    if thread.is_hidden:
        return _("This thread is hidden by the moderators and accepts no replies.")
    if thread.merged_into_id is not None:
        return _("This thread was merged into another one: reply there instead.")
    if thread.closed_at is not None:
        return _("This thread is closed: it accepts no new replies.")
    if thread.is_locked:
        return _("This thread is locked by the moderators: it accepts no new replies.")
    if role == Role.OBSERVER:
        return _(
            "Observers can reply only in open consultation categories; "
            "this category is reserved for the delegations."
        )
    if thread.category.visibility == Visibility.STAFF.value:
        return _("Only facilitators, moderators and administrators post in this category.")
    return _("You cannot reply to this thread.")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A readable word-level diff: (op, text) pieces where op is equal, insert or delete."""
    a, b = _tokens(old), _tokens(new)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")


def _tokens(text: str) -> list[str]:
    """Words, punctuation and white space as separate pieces; joining restores the text."""
    return _TOKEN.findall(text or "")


def quote_text(post: Post) -> str:
    """A Markdown blockquote of a post with attribution, to start a reply with."""
    name = post.author.display_name
    link = url_for("board.post_link", post_id=post.id)
    lines = (post.body or "").strip().splitlines() or [""]
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    header = _("%(name)s wrote:", name=name)
    return f"> **{header}** [#{post.number}]({link})\n>\n{quoted}\n\n"
