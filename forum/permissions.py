"""The policy: every can_* predicate and visible_* query filter lives here.

Views, templates, search, exports and the API all ask these functions; nothing else decides
who may see or do what. Predicates take the current user (possibly anonymous) and an object.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from .content.citations import cited_posts
from .models import ROLE_ORDER, Category, Post, Role, Tag, Thread, User, Visibility, thread_tag

# ---------------------------------------------------------------------------------------------
# Who is asking
# ---------------------------------------------------------------------------------------------


def role_of(user) -> Role | None:
    """The active role of a user, or None for anonymous and suspended accounts."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_suspended", False):
        return None
    return Role(user.role)


def is_admin(user) -> bool:
    """An active administrator."""
    return role_of(user) == Role.ADMIN


def is_moderator(user) -> bool:
    """An active moderator or administrator."""
    return role_of(user) in (Role.ADMIN, Role.MODERATOR)


def is_facilitator(user) -> bool:
    """An active facilitator (international organizations)."""
    return role_of(user) == Role.FACILITATOR


def is_staff(user) -> bool:
    """Admins, moderators and facilitators."""
    return role_of(user) in (Role.ADMIN, Role.MODERATOR, Role.FACILITATOR)


def is_member(user) -> bool:
    """Any active logged-in account."""
    return role_of(user) is not None




# ---------------------------------------------------------------------------------------------
# Administration (foundation)
# ---------------------------------------------------------------------------------------------


def can_access_admin(user) -> bool:
    """The administration pages: admins only."""
    return is_admin(user)


def can_manage_users(user) -> bool:
    """Change roles, suspend and reactivate accounts."""
    return is_admin(user)


def can_manage_delegations(user) -> bool:
    """Edit delegations."""
    return is_admin(user)


def can_manage_categories(user) -> bool:
    """Create and edit categories."""
    return is_admin(user)


def can_manage_mail(user) -> bool:
    """See the outgoing mail queue and send dead messages again."""
    return is_admin(user)


def can_invite(user, role: str | Role | None = None) -> bool:
    """Admins invite any role; moderators invite liaisons (of any delegation)."""
    actor = role_of(user)
    if actor == Role.ADMIN:
        return True
    if actor == Role.MODERATOR:
        return role is None or Role(role) == Role.LIAISON
    return False


def invitable_roles(user) -> list[Role]:
    """The roles a user may invite, most trusted first."""
    return [role for role in ROLE_ORDER if can_invite(user, role)]


def can_manage_invitations(user) -> bool:
    """Reach the invitations page: admins, and moderators (for liaisons)."""
    return role_of(user) in (Role.ADMIN, Role.MODERATOR)


def can_manage_invitation(user, invitation) -> bool:
    """Resend or revoke one invitation: whoever may invite its role."""
    return can_manage_invitations(user) and can_invite(user, invitation.role)


def can_change_user(user, target: User) -> bool:
    """Change another account's role or delegation, suspend or reactivate it (never one's own)."""
    return can_manage_users(user) and target.id != user.id


def can_edit_profile(user, target: User) -> bool:
    """Everyone edits their own profile only."""
    return is_member(user) and user.id == target.id


# ---------------------------------------------------------------------------------------------
# Categories, threads and posts (discussion core)
# ---------------------------------------------------------------------------------------------


def readable_visibilities(user) -> tuple[str, ...]:
    """The category visibilities a user can read."""
    role = role_of(user)
    if role is None:
        return (Visibility.PUBLIC.value,)
    if role == Role.OBSERVER:
        return (Visibility.PUBLIC.value, Visibility.MEMBERS.value)
    if role == Role.LIAISON:
        return (Visibility.PUBLIC.value, Visibility.MEMBERS.value, Visibility.GOVERNMENTS.value)
    return tuple(v.value for v in Visibility)


def can_read_category(user, category: Category) -> bool:
    """Whether the category's visibility admits the user."""
    return category.visibility in readable_visibilities(user)


def visible_categories(user) -> ColumnElement[bool]:
    """Filter for categories the user can read."""
    return Category.visibility.in_(readable_visibilities(user))


def can_post_in_category(user, category: Category) -> bool:
    """Start threads: anyone who can read it, except observers, and only staff in `staff`."""
    role = role_of(user)
    if role is None or role == Role.OBSERVER or not can_read_category(user, category):
        return False
    if category.visibility == Visibility.STAFF.value:
        return is_staff(user)
    return True


def can_read_thread(user, thread: Thread) -> bool:
    """A thread is readable in a readable category unless hidden (moderators still see it)."""
    if not can_read_category(user, thread.category):
        return False
    if thread.is_hidden and not is_moderator(user):
        return False
    return True


def visible_threads(user) -> ColumnElement[bool]:
    """Filter for threads the user can read: readable category, not hidden, not merged away."""
    clause = and_(
        Thread.category_id.in_(
            Category.__table__.select()
            .with_only_columns(Category.id)
            .where(visible_categories(user))
            .scalar_subquery()
        ),
        Thread.merged_into_id.is_(None),
    )
    if not is_moderator(user):
        clause = and_(clause, Thread.is_hidden.is_(False))
    return clause


def is_live_post(post: Post) -> bool:
    """A live post: neither deleted by its author nor hidden by a moderator."""
    return not post.is_deleted and not post.is_hidden


def live_posts() -> ColumnElement[bool]:
    """Filter for live posts (the SQL form of `is_live_post`)."""
    return and_(Post.is_deleted.is_(False), Post.is_hidden.is_(False))


def visible_posts(user) -> ColumnElement[bool]:
    """Filter for posts whose text the user can read (joins on Thread must be present)."""
    clause = visible_threads(user)
    if not is_moderator(user):
        clause = and_(clause, live_posts())
    return clause


def can_reply(user, thread: Thread) -> bool:
    """Reply: posters of the category, observers where the category is open; locked: mods."""
    role = role_of(user)
    if role is None or not can_read_thread(user, thread):
        return False
    if thread.is_hidden or thread.closed_at is not None or thread.merged_into_id is not None:
        return is_moderator(user)
    if thread.is_locked and not is_moderator(user):
        return False
    if role == Role.OBSERVER:
        return bool(thread.category.observers_may_reply)
    return can_post_in_category(user, thread.category)


def can_read_post_text(user, post: Post) -> bool:
    """Deleted and hidden posts keep their place; only moderators read their text."""
    if not is_live_post(post):
        return is_moderator(user)
    return True


def can_edit_post(user, post: Post) -> bool:
    """Authors edit their own live posts where they may still write; moderators any."""
    if is_moderator(user):
        return True
    if not is_member(user) or post.author_id != user.id:
        return False
    if not is_live_post(post):
        return False
    # A locked, hidden, closed or merged thread is frozen for its authors too.
    return can_reply(user, post.thread)


def can_delete_post(user, post: Post) -> bool:
    """Authors soft-delete their own posts; moderators any."""
    if post.is_deleted:
        return False
    if is_moderator(user):
        return True
    return is_member(user) and post.author_id == user.id and not post.is_hidden


def can_view_revisions(user, post: Post) -> bool:
    """The author and moderators see a post's edit history (of a thread they can read); the
    history is the post's text, so a hidden or deleted post's is for moderators only."""
    if not can_read_thread(user, post.thread) or not can_read_post_text(user, post):
        return False
    return is_moderator(user) or (is_member(user) and post.author_id == user.id)


def can_start_thread(user) -> bool:
    """Whether the user may start threads at all (in some category): not observers."""
    return role_of(user) not in (None, Role.OBSERVER)


def can_create_tag(user) -> bool:
    """Members who can post may create new tags while tagging."""
    return role_of(user) not in (None, Role.OBSERVER)


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------


def can_view_glossary(user) -> bool:
    """The search glossary is open to every member."""
    return is_member(user)


def can_manage_glossary(user) -> bool:
    """Moderators and administrators keep the glossary of equivalent terms."""
    return is_moderator(user)


# ---------------------------------------------------------------------------------------------
# Practices, country profiles, comparison
# ---------------------------------------------------------------------------------------------


def _practice_models():
    from .models.practices import PUBLIC_STATUSES, REVIEW_STATUSES, Practice, PracticeStatus

    return Practice, PracticeStatus, PUBLIC_STATUSES, REVIEW_STATUSES


def is_practice_reviewer(user) -> bool:
    """Moderators, facilitators and admins review, publish and ask for updates."""
    return is_staff(user)


def in_practice_delegation(user, practice) -> bool:
    """An active member (not an observer) of the practice's delegation."""
    role = role_of(user)
    return role not in (None, Role.OBSERVER) and user.delegation_id == practice.delegation_id


def can_create_practice(user) -> bool:
    """Liaisons of country delegations describe their practices; staff may do it for them."""
    role = role_of(user)
    if role == Role.LIAISON:
        return bool(user.delegation and user.delegation.is_country)
    return role in (Role.ADMIN, Role.MODERATOR, Role.FACILITATOR)


def can_choose_practice_delegation(user) -> bool:
    """Staff pick the country of a practice; liaisons always write for their own."""
    return is_staff(user)


def can_view_practice(user, practice) -> bool:
    """Drafts: the delegation only; under review: also reviewers; published: category readers."""
    _, status, public, review = _practice_models()
    if practice.deleted_at is not None:
        return is_moderator(user)
    if in_practice_delegation(user, practice):
        return True
    if practice.status in public:
        return can_read_category(user, practice.category)
    if practice.status in review:
        return is_practice_reviewer(user)
    return False


def visible_practices(user) -> ColumnElement[bool]:
    """Filter for the practices a user may see (same rules as can_view_practice)."""
    practice_cls, status, public, review = _practice_models()
    readable = practice_cls.category_id.in_(
        Category.__table__.select()
        .with_only_columns(Category.id)
        .where(visible_categories(user))
        .scalar_subquery()
    )
    clauses = [and_(practice_cls.status.in_(public), readable)]
    if is_practice_reviewer(user):
        clauses.append(practice_cls.status.in_(review))
    role = role_of(user)
    if role not in (None, Role.OBSERVER):
        clauses.append(practice_cls.delegation_id == user.delegation_id)
    return and_(practice_cls.deleted_at.is_(None), or_(*clauses))


def visible_tag_threads(user):
    """The number of threads the user can read that carry the tag (a correlated subquery on
    Tag): what tag counts show, rather than the stored total over every thread."""
    return (
        select(func.count(thread_tag.c.thread_id))
        .join(Thread, Thread.id == thread_tag.c.thread_id)
        .where(thread_tag.c.tag_id == Tag.id, visible_threads(user))
        .correlate(Tag)
        .scalar_subquery()
    )


def visible_tags(user) -> ColumnElement[bool]:
    """Filter for tags the user may learn of: on a thread or practice they can see, or not used
    at all yet (a name only staff-only, hidden or draft content uses would reveal that content)."""
    from .models.practices import practice_tag

    practice_cls = _practice_models()[0]
    on_thread = exists(
        select(thread_tag.c.thread_id).join(Thread, Thread.id == thread_tag.c.thread_id)
        .where(thread_tag.c.tag_id == Tag.id, visible_threads(user))
    )
    on_practice = exists(
        select(practice_tag.c.practice_id).join(practice_cls,
                                                practice_cls.id == practice_tag.c.practice_id)
        .where(practice_tag.c.tag_id == Tag.id, visible_practices(user))
    )
    unused = and_(~exists().where(thread_tag.c.tag_id == Tag.id),
                  ~exists().where(practice_tag.c.tag_id == Tag.id))
    return or_(on_thread, on_practice, unused)


def can_edit_practice(user, practice) -> bool:
    """The practice's delegation revises it at any stage; moderators and admins may too."""
    if practice.deleted_at is not None:
        return False
    if is_moderator(user):
        return True
    return in_practice_delegation(user, practice)


def can_submit_practice(user, practice) -> bool:
    """The delegation sends a draft, or a practice sent back for changes, for review."""
    _, status, _, _ = _practice_models()
    if practice.deleted_at is not None:
        return False
    if practice.status not in (status.DRAFT.value, status.CHANGES_REQUESTED.value):
        return False
    return in_practice_delegation(user, practice) or is_moderator(user)




def can_approve(user, practice) -> bool:
    """Moderators, facilitators and admins publish a submitted practice or send it back."""
    _, status, _, _ = _practice_models()
    return (
        practice.deleted_at is None
        and practice.status == status.SUBMITTED.value
        and is_practice_reviewer(user)
    )


def can_request_changes(user, practice) -> bool:
    """Same people and moment as approval."""
    return can_approve(user, practice)


def can_request_update(user, practice) -> bool:
    """Reviewers ask the delegation to refresh a published practice."""
    _, status, _, _ = _practice_models()
    return (
        practice.deleted_at is None
        and practice.status == status.PUBLISHED.value
        and is_practice_reviewer(user)
    )


def can_confirm_update(user, practice) -> bool:
    """The delegation (or a moderator) says the requested update is done."""
    _, status, _, _ = _practice_models()
    return practice.status == status.UPDATE_REQUESTED.value and can_edit_practice(user, practice)


def can_delete_practice(user, practice) -> bool:
    """The delegation deletes its unpublished practices; moderators delete any."""
    _, _, public, _ = _practice_models()
    if practice.deleted_at is not None:
        return False
    if is_moderator(user):
        return True
    return in_practice_delegation(user, practice) and practice.status not in public


def can_view_practice_history(user, practice) -> bool:
    """Revisions and workflow steps: whoever can see the practice (published ones too)."""
    return can_view_practice(user, practice) and is_member(user)


def can_see_focal_points(user) -> bool:
    """Focal point contact details are for logged-in members only."""
    return is_member(user)


def can_manage_practice_lists(user) -> bool:
    """Indicators, populations and situations are managed by admins and facilitators."""
    return role_of(user) in (Role.ADMIN, Role.FACILITATOR)


def can_review_practices(user) -> bool:
    """Who sees the review queue."""
    return is_practice_reviewer(user)


def can_upload_practice_document(user, practice) -> bool:
    """Whoever may edit the practice may attach documents to it."""
    return can_edit_practice(user, practice)


def can_upload_post_document(user, post) -> bool:
    """Authors attach documents to their own live posts (moderators to any)."""
    return can_edit_post(user, post) and is_live_post(post)


def can_read_document(user, document) -> bool:
    """Readers of the parent read its documents; a deleted or hidden parent hides them."""
    if document.deleted_at is not None:
        return False
    if document.practice is not None:
        return can_view_practice(user, document.practice)
    if document.post is not None:
        post = document.post
        if not is_live_post(post) and not is_moderator(user):
            return False
        return can_read_thread(user, post.thread)
    return False


def can_delete_document(user, document) -> bool:
    """The parent's editors (and the uploader while they may still edit it) remove a document."""
    if document.deleted_at is not None:
        return False
    if document.practice is not None:
        return can_edit_practice(user, document.practice)
    if document.post is not None:
        return can_edit_post(user, document.post)
    return False


# ---------------------------------------------------------------------------------------------
# Moderation and curation
# ---------------------------------------------------------------------------------------------


def can_flag_post(user, post: Post) -> bool:
    """Members flag posts they can read, except their own and deleted ones."""
    if not is_member(user) or post.is_deleted:
        return False
    if post.author_id == user.id:
        return False
    return can_read_thread(user, post.thread) and can_read_post_text(user, post)


def can_flag_practice(user, practice) -> bool:
    """Members flag practices they can see, except their own and unpublished ones."""
    if not is_member(user) or practice.author_id == user.id or not practice.is_public:
        return False
    return can_view_practice(user, practice)


def can_see_own_flags(user) -> bool:
    """Any member has a page with the flags they raised and the messages they received."""
    return is_member(user)


def can_review_flags(user) -> bool:
    """The review queue and its actions: moderators and admins."""
    return is_moderator(user)


def can_moderate_thread(user, thread: Thread) -> bool:
    """Thread tools (pin, lock, move, merge, split, hide, close): moderators who can see it."""
    return is_moderator(user) and can_read_category(user, thread.category)


def can_moderate_post(user, post: Post) -> bool:
    """Hide and restore a post: moderators who can see its thread."""
    return can_moderate_thread(user, post.thread)


def can_merge_threads(user, source: Thread, target: Thread) -> bool:
    """Merge one thread into another: both must be visible to the moderator."""
    return (
        can_moderate_thread(user, source)
        and can_moderate_thread(user, target)
        and can_read_thread(user, target)
    )


def can_move_thread_to(user, thread: Thread, category: Category) -> bool:
    """Move a thread into a category the moderator can read."""
    return can_moderate_thread(user, thread) and can_read_category(user, category)


def can_curate_tags(user) -> bool:
    """Rename, label, group, merge tags and edit synonyms: moderators and admins."""
    return is_moderator(user)


def can_feature_practice(user) -> bool:
    """Moderators, admins and facilitators choose the featured practices."""
    return is_moderator(user) or is_facilitator(user)


def can_view_audit_log(user) -> bool:
    """Admins and moderators browse the audit log (nobody edits it)."""
    return is_moderator(user)


# ---------------------------------------------------------------------------------------------
# Synthesis: summaries, clips, reports, actions
# ---------------------------------------------------------------------------------------------


VISIBILITY_RANK = {
    Visibility.PUBLIC.value: 0,
    Visibility.MEMBERS.value: 1,
    Visibility.GOVERNMENTS.value: 2,
    Visibility.STAFF.value: 3,
}


def audience_can_read_post(audience: str, post: Post) -> bool:
    """Whether everyone who reads `audience` content can read this post (live, not hidden)."""
    if post is None or not is_live_post(post):
        return False
    thread = post.thread
    if thread.is_hidden or thread.merged_into_id is not None:
        return False
    return VISIBILITY_RANK.get(thread.category.visibility, 3) <= VISIBILITY_RANK.get(audience, 0)


def can_read_cited_post(user, post: Post | None) -> bool:
    """A citation shows its quote only to readers of a live post (never hidden content)."""
    return (
        post is not None
        and can_read_thread(user, post.thread)
        and not post.thread.is_hidden
        and post.thread.merged_into_id is None
        and is_live_post(post)
    )


def can_write_synthesis(user) -> bool:
    """Facilitators (and administrators) write summaries, clips and reports."""
    return role_of(user) in (Role.FACILITATOR, Role.ADMIN)


def can_write_summary(user, thread: Thread) -> bool:
    """Summarize a thread the facilitator can read."""
    return can_write_synthesis(user) and can_read_thread(user, thread)




def can_use_clips(user) -> bool:
    """The excerpt workbench belongs to facilitators."""
    return can_write_synthesis(user)


def can_clip_post(user, post: Post) -> bool:
    """Clip a live post the facilitator can read."""
    return can_use_clips(user) and can_read_cited_post(user, post)


def can_view_report_drafts(user) -> bool:
    """Drafts are for facilitators only."""
    return can_write_synthesis(user)


def report_cited_posts(version) -> list[Post]:
    """The posts a report version cites (directly or through clips)."""
    return cited_posts(version.body)


def can_read_report_version(user, version) -> bool:
    """Drafts for facilitators; published and superseded texts for their audience, and only
    when the reader can read every cited post (a report never leaks a restricted category)."""
    if version.is_draft:
        return can_view_report_drafts(user)
    if can_view_report_drafts(user):
        return True
    if version.audience not in readable_visibilities(user):
        return False
    return all(can_read_cited_post(user, post) for post in report_cited_posts(version))


def can_export_report_version(user, version) -> bool:
    """Exports of drafts for facilitators only; published texts for their readers."""
    if version.is_draft:
        return can_view_report_drafts(user)
    return can_read_report_version(user, version)


def can_view_actions(user) -> bool:
    """The follow-up register is open to every member."""
    return is_member(user)


def can_manage_actions(user) -> bool:
    """Facilitators, moderators and administrators create and edit any action item."""
    return role_of(user) in (Role.FACILITATOR, Role.MODERATOR, Role.ADMIN)


def can_update_action_status(user, item) -> bool:
    """Managers update any item; liaisons update their own delegation's items."""
    if can_manage_actions(user):
        return True
    if role_of(user) != Role.LIAISON:
        return False
    return any(owner.id == user.delegation_id for owner in item.owners)


def can_read_action(user, item) -> bool:
    """An item is read by members who can read its source thread or report."""
    if not can_view_actions(user):
        return False
    if item.source_thread is not None and not can_read_thread(user, item.source_thread):
        return False
    if item.source_report is not None:
        published = item.source_report.published
        if published is None:
            return can_view_report_drafts(user)
        return can_read_report_version(user, published)
    return True
