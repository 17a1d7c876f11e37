"""Interface languages: locale selection and formatting helpers for templates."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français"}


def supported_languages() -> tuple[str, ...]:
    """The interface languages, in display order."""
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """The user's setting, then the language chosen while logged out, then Accept-Language."""
    languages = supported_languages()
    if not has_request_context():  # commands and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def current_language() -> str:
    """The two-letter code of the current interface language."""
    return str(get_locale() or "en")[:2]


def language_name(code: str) -> str:
    """A language's own name (English, Español, Français)."""
    return LANGUAGE_NAMES.get(code, code)


def _resolve_locale() -> None:
    """Choose the language at the start of each page request, so that a commit later in the
    request (which expires the reader's row) does not cost a reload just to translate."""
    if request.endpoint != "static":
        get_locale()


def init_app(app: Flask) -> None:
    """Expose language helpers to templates."""
    app.before_request(_resolve_locale)

    @app.context_processor
    def inject_languages() -> dict:
        return {
            "current_language": current_language(),
            "interface_languages": [(c, LANGUAGE_NAMES[c]) for c in supported_languages()],
            "language_name": language_name,
        }

    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )
