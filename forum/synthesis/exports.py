"""Exports of a report version: Word (.docx), Markdown with its citations, and source lists.

Exports only ever contain what the reader can read: a citation to a post that has since been
hidden or deleted is replaced by a "not available" marker and left out of the sources annex.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions
from ..content.citations import CITATION_RE, extract_citations, load_cited, post_quote
from ..extensions import db
from ..models import Delegation, Post, ReportVersion
from ..web.links import post_url


@dataclass
class Source:
    """One entry of the sources annex."""

    number: int
    token: str
    post: Post
    clip_text: str | None
    url: str
    caption: str


def sources_for(version: ReportVersion, user, language: str) -> tuple[dict[str, Source], list[str]]:
    """Number the readable citations of a version; return them by token, and unreadable tokens."""
    citations = extract_citations(version.body)
    posts, clips = load_cited(citations)
    sources: dict[str, Source] = {}
    numbers: dict[int, int] = {}  # one annex entry per post, whichever way it is cited
    hidden: list[str] = []
    for citation in citations:
        clip = clips.get(citation.obj_id) if citation.kind == "clip" else None
        post = posts.get(clip.post_id if clip else citation.obj_id) if (
            clip or citation.kind == "post") else None
        if post is None or not permissions.can_read_cited_post(user, post):
            hidden.append(citation.token)
            continue
        with force_locale(language):
            when = format_date(post.created_at, "long")
        sources[citation.token] = Source(
            number=numbers.setdefault(post.id, len(numbers) + 1), token=citation.token, post=post,
            clip_text=clip.text if clip else None, url=post_url(post, external=True),
            caption=f"{post.delegation.name_in(language)}, {when}",
        )
    return sources, hidden


@dataclass
class AnnexEntry:
    """One numbered source of the annex and the citation tokens that point to it."""

    number: int
    tokens: list[str]
    source: Source


def annex(sources: dict[str, Source]) -> list[AnnexEntry]:
    """The sources annex: one entry per cited post, in order of first citation."""
    entries: dict[int, AnnexEntry] = {}
    for source in sources.values():
        entry = entries.setdefault(source.number, AnnexEntry(source.number, [], source))
        entry.tokens.append(source.token)
    return list(entries.values())


def participating_delegations(sources: dict[str, Source], language: str) -> list[Delegation]:
    """Delegations with a live post in the discussions the report cites: countries first."""
    thread_ids = {source.post.thread_id for source in sources.values()}
    seen: dict[int, Delegation] = {}
    for source in sources.values():
        seen.setdefault(source.post.delegation_id, source.post.delegation)
    if thread_ids:
        for delegation in db.session.scalars(
            select(Delegation).where(Delegation.id.in_(
                select(Post.delegation_id).where(Post.thread_id.in_(thread_ids),
                                                 permissions.live_posts())
            ))
        ):
            seen.setdefault(delegation.id, delegation)
    return sorted(seen.values(), key=lambda d: (not d.is_country, d.name_in(language)))


# ---------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------

_INLINE_MD = re.compile(r"(\*\*|__|\*|_|`)")


def _strip_inline(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1 (\2)", text)
    return _INLINE_MD.sub("", text)


def _add_hyperlink(paragraph, url: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    part = paragraph.part
    rel_id = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "1D4E89")
    props.append(color)
    run.append(props)
    node = OxmlElement("w:t")
    node.text = text
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def _blocks(body: str) -> list[tuple[str, str]]:
    """Split Markdown into (kind, text) blocks: heading1/heading2/para/bullet/quote."""
    blocks: list[tuple[str, str]] = []
    buffer: list[str] = []

    def flush():
        if buffer:
            blocks.append(("para", " ".join(line.strip() for line in buffer)))
            buffer.clear()

    for raw in (body or "").splitlines():
        line = raw.rstrip()
        if not line.strip():
            flush()
        elif match := re.match(r"^(#{1,6})\s+(.*)$", line):
            flush()
            blocks.append(("heading1" if len(match.group(1)) <= 2 else "heading2",
                           match.group(2).strip()))
        elif match := re.match(r"^\s*[-*+]\s+(.*)$", line):
            flush()
            blocks.append(("bullet", match.group(1)))
        elif line.lstrip().startswith(">"):
            flush()
            blocks.append(("quote", line.lstrip()[1:].strip()))
        else:
            buffer.append(line)
    flush()
    return blocks


def _write_text_with_citations(paragraph, text: str, sources: dict[str, Source],
                               unavailable: str) -> None:
    position = 0
    for match in CITATION_RE.finditer(text):
        paragraph.add_run(_strip_inline(text[position:match.start()]))
        source = sources.get(match.group(0))
        if source is None:
            paragraph.add_run(f"[{unavailable}]")
        else:
            run = paragraph.add_run(f"[{source.number}]")
            run.font.superscript = True
        position = match.end()
    paragraph.add_run(_strip_inline(text[position:]))


def report_docx(version: ReportVersion, user, language: str) -> bytes:
    """The report version as a Word document in its language."""
    # python-docx (and lxml under it) is loaded only by the processes that write a document
    import docx
    from docx.shared import Pt

    sources, _hidden = sources_for(version, user, language)
    document = docx.Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    with force_locale(language):
        labels = {
            "participants": _("Participating delegations"),
            "sources": _("Sources"),
            "unavailable": _("citation not available"),
            "none": _("No delegation is cited."),
            "version": _("Version %(number)s", number=version.number),
            "published": (_("Published on %(date)s", date=format_date(version.published_at, "long"))
                          if version.published_at else _("Draft — not published")),
        }
        document.core_properties.title = version.title
        document.core_properties.language = language
        document.add_heading(version.title, level=0)
        document.add_paragraph(f"{labels['version']} · {labels['published']}")

        document.add_heading(labels["participants"], level=1)
        delegations = participating_delegations(sources, language)
        if delegations:
            for delegation in delegations:
                document.add_paragraph(delegation.name_in(language), style="List Bullet")
        else:
            document.add_paragraph(labels["none"])

        for kind, text in _blocks(version.body):
            if kind == "heading1":
                document.add_heading(_strip_inline(text), level=1)
            elif kind == "heading2":
                document.add_heading(_strip_inline(text), level=2)
            elif kind == "bullet":
                paragraph = document.add_paragraph(style="List Bullet")
                _write_text_with_citations(paragraph, text, sources, labels["unavailable"])
            elif kind == "quote":
                paragraph = document.add_paragraph(style="Quote")
                _write_text_with_citations(paragraph, text, sources, labels["unavailable"])
            elif CITATION_RE.fullmatch(text.strip()):
                source = sources.get(text.strip())
                if source is None:
                    document.add_paragraph(f"[{labels['unavailable']}]", style="Quote")
                    continue
                quote = source.clip_text or post_quote(source.post, 600)
                paragraph = document.add_paragraph(style="Quote")
                paragraph.add_run(f"“{quote}”")
                paragraph.add_run(f" — {source.caption} ")
                ref = paragraph.add_run(f"[{source.number}]")
                ref.font.superscript = True
            else:
                paragraph = document.add_paragraph(style="List Number")
                _write_text_with_citations(paragraph, text, sources, labels["unavailable"])

        document.add_heading(labels["sources"], level=1)
        for entry in annex(sources):
            source = entry.source
            paragraph = document.add_paragraph()
            paragraph.add_run(f"[{source.number}] {source.caption} — {source.post.thread.title}: ")
            _add_hyperlink(paragraph, source.url, source.url)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------

SOURCES_MARKER = "<!-- sources -->"


def report_markdown(version: ReportVersion, user, language: str) -> str:
    """The report as Markdown: the text with its `[post:N]` citations kept as written, and a
    sources annex whose link definitions make each citation a link back to its post."""
    sources, hidden = sources_for(version, user, language)
    body = version.body
    with force_locale(language):
        unavailable = _("citation not available")
        for token in hidden:
            body = body.replace(token, f"[{unavailable}]")
        delegations = participating_delegations(sources, language)
        lines = [f"# {version.title}", ""]
        meta = _("Version %(number)s", number=version.number)
        if version.published_at:
            meta += " · " + _("Published on %(date)s",
                              date=format_date(version.published_at, "long"))
        lines += [f"_{meta}_", ""]
        if delegations:
            lines += [f"**{_('Participating delegations')}:** "
                      + ", ".join(d.name_in(language) for d in delegations), ""]
        lines += [body.strip(), "", SOURCES_MARKER, "", f"## {_('Sources')}", ""]
        for entry in annex(sources):
            source = entry.source
            lines.append(f"{entry.number}. {' '.join(entry.tokens)} {source.caption} — "
                         f"{source.post.thread.title}: <{source.url}>")
        lines.append("")
        for source in sources.values():
            title = source.caption.replace('"', "'")
            lines.append(f'{source.token}: {source.url} "{title}"')
    return "\n".join(lines).rstrip() + "\n"


def body_from_markdown_export(text: str) -> str:
    """Recover the editable report text from a Markdown export (drops the title block and
    the sources annex), so an exported report can be edited elsewhere and brought back."""
    head, _sep, _annex = (text or "").partition(SOURCES_MARKER)
    lines = head.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    while lines and (not lines[0].strip() or lines[0].startswith("_")
                     or lines[0].startswith("**")):
        lines = lines[1:]
    return "\n".join(lines).strip() + "\n"


def audience_label(audience: str | None) -> str:
    """The translated description of who reads a published report."""
    labels = {
        "public": _("everyone, including visitors who are not logged in"),
        "members": _("all members, observers included"),
        "governments": _("government delegations and staff"),
        "staff": _("facilitators, moderators and administrators"),
    }
    return labels.get(audience or "", "")
