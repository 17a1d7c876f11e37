"""Files browsers and crawlers ask for at the root of the site."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from . import routes  # noqa: E402, F401
