"""User Markdown to sanitized HTML: one function and one Jinja filter."""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from flask import Flask, current_app, has_app_context
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "abbr": {"title"},
}
ALLOWED_CLASSES = {
    "th": {"align-left", "align-center", "align-right"},
    "td": {"align-left", "align-center", "align-right"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTERNAL_REL = "nofollow noopener noreferrer"
# Headings inside a post start at <h3>: the page owns <h1> and <h2>.
HEADING_SHIFT = 2


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    return md


_MD = _parser()


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    if not parts.scheme and not parts.netloc:
        return False
    if parts.scheme == "mailto":
        return False
    own = current_app.config.get("SERVER_NAME") if has_app_context() else None
    return not (own and parts.netloc == own)


def _adjust_tokens(tokens) -> None:
    """Shift headings, mark external links and turn table alignment styles into classes."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
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
            _adjust_tokens(token.children)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Only our own rel value survives."""
    if attribute == "rel":
        return value if value == EXTERNAL_REL else None
    return value


def sanitize(html: str) -> str:
    """Clean an HTML fragment with the allow-list (scripts, styles and handlers removed)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        allowed_classes=ALLOWED_CLASSES,
        link_rel=None,
        url_schemes=URL_SCHEMES,
        strip_comments=True,
    )


def render_markdown(text: str | None) -> Markup:
    """Render user Markdown (CommonMark, tables, autolinks) to safe HTML."""
    if not text:
        return Markup("")
    env: dict = {}
    tokens = _MD.parse(text, env)
    _adjust_tokens(tokens)
    html = _MD.renderer.render(tokens, _MD.options, env)
    return Markup(sanitize(html))  # noqa: S704 - cleaned by the allow-list just above


def init_app(app: Flask) -> None:
    """Register the `markdown` Jinja filter."""
    app.jinja_env.filters["markdown"] = render_markdown
