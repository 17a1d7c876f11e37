"""Reader keys: what cached HTML depends on about the person reading it. The one place they are built.

Cached HTML is shared by every reader with the same key, so a key must name everything the
templates read about the reader:

* page parts (thread header and sidebar, reply box, navigation, lists, country and comparison
  bodies) read the role (`perm.*`, `readable_visibilities`) and, for practices, the delegation:
  `page_reader()` is (role, delegation);
* a post (board/_post.html and the partials it includes: practices/_post_documents.html,
  moderation/_post_actions.html, synthesis/_post_actions.html) reads the role (moderators read
  hidden text, hide and restore; members flag, observers reply where allowed), whether the reader
  wrote it (edit, delete, revisions, attach a document, no flag on one's own post), and, for
  whoever may clip, the reader's own clip collections: `post_reader(author_id)`.

A template that starts reading something else about the reader must add it here.
"""

from __future__ import annotations

from flask import g
from flask_login import current_user

from .. import permissions


def _user(user):
    return current_user._get_current_object() if user is None else user


def page_reader(user=None) -> tuple:
    """What page parts and listings depend on about the reader: role and delegation."""
    if user is None and "page_reader" in g:
        return g.page_reader
    role = permissions.role_of(_user(user))
    key = ("anonymous",) if role is None else (role.value, _user(user).delegation_id)
    if user is None:
        g.page_reader = key
    return key


def post_reader(author_id: int | None) -> tuple:
    """What one post's HTML depends on about the current reader (see the module notes)."""
    reader = g.get("post_reader")
    if reader is None:
        user = current_user._get_current_object()
        role = permissions.role_of(user)
        if role is None:
            reader = g.post_reader = (None, None, None)
        else:
            clips = user.id if permissions.can_use_clips(user) else None
            reader = g.post_reader = (role.value, user.id, clips)
    role, user_id, clips = reader
    if role is None:
        return ("anonymous",)
    return (role, author_id == user_id, clips)
