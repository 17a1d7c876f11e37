"""What moderation records in the audit log: flags, thread and post tools, tags, featured practices."""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "flag.dismissed": _l("flags dismissed"),
    "flag.hidden": _l("flagged item hidden"),
    "flag.edited": _l("flagged item edited"),
    "flag.locked": _l("thread of a flagged item locked"),
    "flag.messaged": _l("author of a flagged item contacted"),
    "thread.pin": _l("thread pinned"),
    "thread.unpin": _l("thread unpinned"),
    "thread.lock": _l("thread locked"),
    "thread.unlock": _l("thread unlocked"),
    "thread.move": _l("thread moved"),
    "thread.merge": _l("threads merged"),
    "thread.split": _l("thread split"),
    "thread.hide": _l("thread hidden"),
    "thread.restore": _l("thread restored"),
    "thread.close": _l("thread closed"),
    "thread.reopen": _l("thread reopened"),
    "post.hide": _l("post hidden"),
    "post.restore": _l("post restored"),
    "tag.edit": _l("tag edited"),
    "tag.synonym_add": _l("tag synonym added"),
    "tag.synonym_remove": _l("tag synonym removed"),
    "tag.merge": _l("tags merged"),
    "practice.feature": _l("practice featured on the home page"),
    "practice.unfeature": _l("practice no longer featured"),
}
