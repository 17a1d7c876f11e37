"""The application as served by the benchmark (settings from the environment)."""

from forum import create_app

app = create_app({"RATELIMIT_ENABLED": False})
