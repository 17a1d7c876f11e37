"""Practices: structured submissions, country profiles, comparison matrix, documents, open data."""

from flask import Blueprint

bp = Blueprint("practices", __name__)

from . import defaults, routes, routes_data, routes_files, searching  # noqa: E402,F401

searching.register_kind()
