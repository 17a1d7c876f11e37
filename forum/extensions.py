"""Unbound Flask extensions, bound to the application in create_app()."""

from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


MAX_PAGE = 10**9  # (page - 1) * per_page must stay within what SQL can OFFSET


class Database(SQLAlchemy):
    """Flask-SQLAlchemy whose paginate() clamps the page number (from the `page` argument when
    not given), so a huge number is a page past the last one rather than an SQL overflow."""

    def paginate(self, select, *, page=None, **kwargs):
        """db.paginate with the page number clamped to MAX_PAGE."""
        if page is None and has_request_context():
            asked = request.args.get("page", type=int)
            page = MAX_PAGE if asked is not None and asked > MAX_PAGE else None
        elif page is not None and page > MAX_PAGE:
            page = MAX_PAGE
        return super().paginate(select, page=page, **kwargs)


db = Database(model_class=Base)
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
# rate limiting: storage from RATELIMIT_STORAGE_URI (memory:// by default, Redis in production)
limiter = Limiter(key_func=get_remote_address)
