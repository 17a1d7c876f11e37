"""Numbers too large for the database, in a URL or a query argument, are a 404 or 400, never 500."""

from __future__ import annotations

from factories import make_category, make_thread, make_user
from werkzeug.routing import IntegerConverter

HUGE = (2**63, 2**64 + 7, 10**40)
# query arguments read as whole numbers somewhere in the application
NUMBER_ARGS = ("page", "thread", "report", "collection", "version", "a", "b", "post",
               "category", "delegation", "population", "situation", "indicator")


def _crawl(app, client, urls) -> list[str]:
    failures = []
    for method, url in urls:
        try:
            response = client.open(url, method=method)
        except Exception as error:  # TESTING propagates what would be a 500
            failures.append(f"{method} {url}: {type(error).__name__}: {error}")
            continue
        if response.status_code >= 500:
            failures.append(f"{method} {url}: {response.status_code}")
    return failures


def _sample(converter) -> str:
    items = getattr(converter, "items", None)
    return sorted(items)[0] if items else "x"


def _urls_with_huge_ids(app) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        numbers = [name for name, conv in rule._converters.items()
                   if isinstance(conv, IntegerConverter)]
        if not numbers:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        for huge in HUGE:
            values = {name: (huge if name in numbers else _sample(rule._converters.get(name)))
                      for name in rule.arguments}
            with app.test_request_context():
                path = app.url_map.bind("localhost").build(rule.endpoint, values,
                                                           append_unknown=False)
            urls.append((method, path))
    return urls


def test_every_integer_route_answers_huge_ids_with_404(app, client, login_as):
    assert isinstance(app.url_map.converters["int"](app.url_map), IntegerConverter)
    urls = _urls_with_huge_ids(app)
    assert len({path.split("/")[1] for _, path in urls}) >= 5  # many features crawled
    for user in (None, make_user("admin")):
        login_as(user)
        failures = _crawl(app, client, urls)
        assert failures == [], "\n".join(failures)
    # refused by the route itself: not found, whatever the endpoint would do
    for method, path in urls[:30]:
        assert client.open(path, method=method).status_code in (404, 405), path


def test_huge_numbers_in_query_arguments(app, client, login_as):
    category = make_category("public")
    thread = make_thread(make_user("liaison"), category)
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        for huge in HUGE[:2]:
            query = "&".join(f"{name}={huge}" for name in NUMBER_ARGS)
            pages.append(("GET", f"{rule.rule}?{query}"))
    for user in (None, make_user("admin")):
        login_as(user)
        failures = _crawl(app, client, pages)
        assert failures == [], "\n".join(failures)
    # page numbers: refused with a message, or a page past the last one
    assert client.get(f"/categories/{category.slug}?page={2**63}").status_code == 400
    assert client.get(f"/threads/{thread.id}?page={2**63}").status_code in (400, 404)
