"""All models, importable from one place."""

from .attachments import Attachment
from .audit import AuditEvent, record_audit
from .base import utcnow
from .boards import CONTENT_LANGUAGES, Category, Post, Revision, Thread, Visibility, thread_tag
from .changes import SearchChange, SearchConsumer, record_change
from .generation import ContentVersion
from .glossary import GlossaryEntry  # search
from .mail import MailOutbox, MailState
from .people import (
    ROLE_ORDER,
    STAFF_ROLES,
    Delegation,
    DelegationKind,
    Invitation,
    PasswordReset,
    Role,
    User,
    UserSession,
)
from .related import RelatedPractice, RelatedThread  # search
from .tags import Tag, TagSynonym, tag_key

# practices
# isort: split
from . import practice_defaults  # noqa: F401,E402  (seeds the managed lists with their tables)
from .practices import (  # noqa: F401  (re-exported models)
    IndicatorCoverage,
    MinimumIndicator,
    Practice,
    PracticeRevision,
    PracticeTransition,
    Situation,
    TargetPopulation,
)

# moderation
# isort: split
from .curation import (
    FeaturedPractice,
    Flag,
    FlagReason,
    FlagResolution,
    FlagStatus,
    FlagTarget,
    ModeratorMessage,
    TagRedirect,
)

# synthesis
# isort: split
from .synthesis import (  # noqa: F401
    OPEN_STATUSES,
    ActionItem,
    ActionSource,
    ActionStatus,
    ActionUpdate,
    Clip,
    ClipCollection,
    Report,
    ReportState,
    ReportVersion,
    Summary,
    SummaryVersion,
    action_owner,
)

__all__ = [
    "Attachment",
    "AuditEvent",
    "record_audit",
    "CONTENT_LANGUAGES",
    "ROLE_ORDER",
    "STAFF_ROLES",
    "Category",
    "Delegation",
    "DelegationKind",
    "Invitation",
    "PasswordReset",
    "Post",
    "Revision",
    "Role",
    "SearchChange",
    "SearchConsumer",
    "ContentVersion",
    "GlossaryEntry",
    "MailOutbox",
    "MailState",
    "RelatedPractice",
    "RelatedThread",
    "Tag",
    "TagSynonym",
    "Thread",
    "User",
    "UserSession",
    "Visibility",
    "record_change",
    "tag_key",
    "thread_tag",
    "utcnow",
    # moderation
    "FeaturedPractice",
    "Flag",
    "FlagReason",
    "FlagResolution",
    "FlagStatus",
    "FlagTarget",
    "ModeratorMessage",
    "TagRedirect",
]
