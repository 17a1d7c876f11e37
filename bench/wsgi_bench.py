"""The application as served by the benchmark (settings from the environment).

BENCH_RELATED=off leaves related threads out of thread pages: computed on the request today,
they hide every other cost of a cold page; with them off the figures show what a thread page
costs once they are read from a stored table.
"""

import os

from forum import create_app

app = create_app({"RATELIMIT_ENABLED": False})
if os.environ.get("BENCH_RELATED") == "off":
    app.jinja_env.globals.pop("search_related_threads", None)
