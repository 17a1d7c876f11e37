"""Practices: structured submissions, country profiles, comparison matrix, documents, open data."""

from flask import Blueprint

bp = Blueprint("practices", __name__)

from . import defaults, routes, routes_data, routes_files, search_kind  # noqa: E402,F401

search_kind.register_kind()
