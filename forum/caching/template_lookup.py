"""Remember templates that do not exist, so optional `{% include ... ignore missing %}` is free.

Jinja caches the templates it finds but not the ones it does not: each optional include of a
missing extension template searched every blueprint's folder again, once per post on a thread
page. Templates do not appear while the application runs (a deploy restarts it), so outside
debug and auto-reload mode a miss is remembered for the life of the process.
"""

from __future__ import annotations

from flask import Flask
from jinja2 import BaseLoader, Environment, TemplateNotFound


class MissingTemplateCache(BaseLoader):
    """Wrap a loader and answer known-missing names at once."""

    def __init__(self, loader: BaseLoader):
        self.loader = loader
        self.missing: set[str] = set()

    def get_source(self, environment: Environment, template: str):
        """The wrapped loader's answer, or TemplateNotFound from memory."""
        if template in self.missing:
            raise TemplateNotFound(template)
        try:
            return self.loader.get_source(environment, template)
        except TemplateNotFound:
            self.missing.add(template)
            raise

    def list_templates(self) -> list[str]:
        """The wrapped loader's templates."""
        return self.loader.list_templates()


def init_app(app: Flask) -> None:
    """Install the cache unless templates may change while running (debug, auto-reload)."""
    if app.debug or app.config.get("TEMPLATES_AUTO_RELOAD"):
        return
    env = app.jinja_env
    if not isinstance(env.loader, MissingTemplateCache):
        env.loader = MissingTemplateCache(env.loader)
