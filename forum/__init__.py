"""The Consular Practice Exchange: application factory."""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path

from flask import Flask

from .extensions import babel, csrf, db, login_manager

# Each feature is one blueprint package exposing `bp`; registered in this order.
BLUEPRINTS = (
    "forum.main",
    "forum.errors",
    "forum.auth",
    "forum.admin",
    "forum.site",
    # discussion core
    "forum.board",
    "forum.tags",
    # search
    "forum.search",
    # practices
    "forum.practices",
    # moderation
    "forum.moderation",
    # synthesis
    "forum.synthesis",
    # api
)


def _init_migrations(app: Flask) -> None:
    """Flask-Migrate (`flask db ...`) for commands and tests only: web workers never need
    Alembic, and not importing it keeps about 11 MiB out of every worker process."""
    import click

    if click.get_current_context(silent=True) is None and not app.testing:
        return
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
            render_as_batch=True, compare_type=True)


def create_app(config: dict | None = None) -> Flask:
    """Create and configure an application; `config` overrides settings (tests use it)."""
    app = Flask(__name__, instance_path=os.environ.get("FORUM_INSTANCE_DIR") or None)
    from .web import numbers

    numbers.init_app(app)  # bounded <int:...> in every route, registered before the blueprints
    app.config.from_object("config.Config")
    if config:
        app.config.update(config)
    # production
    from .platform.production import check_production_config, trust_proxies

    check_production_config(app)
    trust_proxies(app)
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)

    from .platform import deferred, i18n, security

    db.init_app(app)
    _init_migrations(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    security.init_app(app)
    deferred.init_app(app)
    # rate limiting
    from .platform import throttling

    throttling.init_app(app)

    from .platform import database

    database.init_app(app)

    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
    # Each feature's audit actions and their labels (`<feature>/audit.py`, AUDIT_LABELS).
    from .web import audit_labels

    audit_labels.init_app(app, [
        importlib.import_module(f"{name}.audit").AUDIT_LABELS
        for name in BLUEPRINTS if importlib.util.find_spec(f"{name}.audit") is not None
    ])

    from .commands import cli
    from .web import links, templating

    templating.init_app(app)
    links.init_app(app)
    cli.init_app(app)
    # search hooks
    from .search import hooks as search_hooks

    search_hooks.init_app(app)
    # mail: the outbox, sent after commit in development
    from . import mail

    mail.init_app(app)
    # performance: static fingerprints, opt-in SQL statement count
    from .caching import dates
    from .platform import assets, db_stats, sql_count

    assets.init_app(app)
    dates.init_app(app)
    db_stats.init_app(app)
    sql_count.init_app(app)
    from .caching import fragments

    fragments.init_app(app)
    return app
