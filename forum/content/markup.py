"""User Markdown to sanitized HTML: one renderer and one sanitizer, with a profile per kind of text.

`post` is what members write in the boards and practices (autolinks, images, headings from <h3>);
`report` is what facilitators write in summaries and reports (headings from <h2>, no images, no
autolinks), before its citations are put in.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from flask import Flask, current_app, has_app_context
from markdown_it import MarkdownIt
from markupsafe import Markup

POST_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
POST_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "abbr": {"title"},
}
REPORT_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
REPORT_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"}}
ALLOWED_CLASSES = {
    "th": {"align-left", "align-center", "align-right"},
    "td": {"align-left", "align-center", "align-right"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTERNAL_REL = "nofollow noopener noreferrer"
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript"}


@dataclass(frozen=True)
class Profile:
    """What one kind of text may contain."""

    tags: frozenset[str]
    attributes: dict[str, set[str]]
    # Headings move down this many levels: the page owns the ones above.
    heading_shift: int
    linkify: bool
    strikethrough: bool


PROFILES = {
    "post": Profile(frozenset(POST_TAGS), POST_ATTRIBUTES, heading_shift=2, linkify=True,
                    strikethrough=True),
    "report": Profile(frozenset(REPORT_TAGS), REPORT_ATTRIBUTES, heading_shift=0, linkify=False,
                      strikethrough=False),
}


def _parser(profile: Profile) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": profile.linkify, "typographer": False})
    md.enable("table")
    if profile.strikethrough:
        md.enable("strikethrough")
    if profile.linkify:
        md.enable("linkify")
    return md


_PARSERS = {name: _parser(profile) for name, profile in PROFILES.items()}


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    if not parts.scheme and not parts.netloc:
        return False
    if parts.scheme == "mailto":
        return False
    own = current_app.config.get("SERVER_NAME") if has_app_context() else None
    return not (own and parts.netloc == own)


def _adjust_tokens(tokens, heading_shift: int) -> None:
    """Shift headings, mark external links and turn table alignment styles into classes."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and heading_shift:
            level = min(int(token.tag[1]) + heading_shift, 6)
            token.tag = f"h{level}"
        elif token.type in ("th_open", "td_open"):
            style = token.attrGet("style") or ""
            token.attrs.pop("style", None)
            for side in ("left", "center", "right"):
                if f"text-align:{side}" in style.replace(" ", ""):
                    token.attrSet("class", f"align-{side}")
        elif token.type == "link_open":
            href = token.attrGet("href") or ""
            if _is_external(href):
                token.attrSet("rel", EXTERNAL_REL)
        if token.children:
            _adjust_tokens(token.children, heading_shift)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Only our own rel value survives."""
    if attribute == "rel":
        return value if value == EXTERNAL_REL else None
    return value


def sanitize(html: str, profile: str = "post") -> str:
    """Clean an HTML fragment with the profile's allow-list (scripts, styles and handlers removed)."""
    rules = PROFILES[profile]
    return nh3.clean(
        html,
        tags=set(rules.tags),
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=rules.attributes,
        attribute_filter=_keep_attribute,
        allowed_classes=ALLOWED_CLASSES,
        link_rel=None,
        url_schemes=URL_SCHEMES,
        strip_comments=True,
    )


def render_markdown(text: str | None, profile: str = "post") -> Markup:
    """Render user Markdown (CommonMark and tables; for posts autolinks too) to safe HTML."""
    if not text:
        return Markup("")
    md = _PARSERS[profile]
    env: dict = {}
    tokens = md.parse(text, env)
    _adjust_tokens(tokens, PROFILES[profile].heading_shift)
    html = md.renderer.render(tokens, md.options, env)
    return Markup(sanitize(html, profile))  # noqa: S704 - cleaned by the allow-list just above


def plain_text(html: str | None) -> str:
    """Text content of sanitized HTML, entities decoded and white space collapsed."""
    text = nh3.clean(html or "", tags=set())
    text = (
        text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&quot;", '"').replace("&#39;", "'")
    )
    return " ".join(text.split())


def init_app(app: Flask) -> None:
    """Register the `markdown` Jinja filter."""
    app.jinja_env.filters["markdown"] = render_markdown
