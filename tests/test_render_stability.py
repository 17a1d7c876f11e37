"""Pages rendered one after another in one worker process keep its memory sound.

On CPython 3.11, macros imported "with context" and called many times per page (the matrix's
cells) led to a double free that crashed the worker in garbage collection, after a country
profile had rendered the same macros. The pages now import macros without context; this test
renders the sequence that crashed, in a child process under Python's debug allocator (which
turns any double free into an immediate crash), and checks the child stays alive.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

from factories import make_user
from practices_support import lists, make_practice

from forum.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import gc, sys
from forum import create_app
app = create_app({"RATELIMIT_ENABLED": False})
client = app.test_client()
for path in sys.argv[1:]:
    status = client.get(path).status_code
    assert status == 200, (path, status)
    gc.collect()
print("alive")
"""


def test_country_profiles_and_the_matrix_render_without_corrupting_memory(
        app, app_config, database_template, tmp_path):
    _populations, _situations, indicators = lists()
    values = ("yes", "partly", "no")
    for n, code in enumerate(("MX", "GT", "SV", "HN", "CR", "PA", "BZ", "NI", "DO", "US", "CA")):
        author = make_user("liaison", delegation=code)
        for k in range(6):
            make_practice(author, title=f"Practice {code} {k}", coverage={
                indicator: values[(n + k + i) % 3] for i, indicator in enumerate(indicators.values())})
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    if database_template["kind"] == "postgresql":
        sep = "&" if "?" in url else "?"
        url += sep + urllib.parse.urlencode(
            {"options": f"-csearch_path={database_template['schema']}"})
    db.session.remove()
    env = os.environ | {
        "DATABASE_URL": url, "FORUM_INSTANCE_DIR": str(tmp_path / "child"),
        "SEARCH_INDEX_DIR": str(tmp_path / "child-index"), "SECRET_KEY": "render-stability-0123",
        "FORUM_ENV": "development", "PYTHONMALLOC": "debug", "PYTHONFAULTHANDLER": "1",
        "PYTHONPATH": str(ROOT),
    }
    pages = ["/countries/MX", "/compare", "/countries/GT", "/compare?by=populations",
             "/compare"]
    result = subprocess.run([sys.executable, "-c", CHILD, *pages], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "alive" in result.stdout, result.stderr[-3000:]
