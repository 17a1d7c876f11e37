"""The ceiling: a bare Flask page rendering a Jinja template with a 20-row loop."""

from __future__ import annotations

from flask import Flask, render_template

app = Flask(__name__)
ROWS = [{"id": n, "title": f"Fila {n}: protección consular", "replies": n * 3} for n in range(1, 21)]


@app.route("/")
def index():
    """Render the 20 rows."""
    return render_template("ceiling.html", rows=ROWS)
