"""The comparison matrix and the open data: only public, published data leaves the site."""

from __future__ import annotations

import csv
import io
import json

from factories import make_category, make_user
from openpyxl import load_workbook
from practices_support import become_fixture, lists, make_practice  # noqa: F401


def _data():
    populations, situations, indicators = lists()
    mx = make_user("liaison", delegation="MX")
    gt = make_user("liaison", delegation="GT")
    ca = make_user("liaison", delegation="CA")
    public = make_practice(
        mx, title="Registro público", system_name="Sistema Público", system_technology="in_house",
        implementation_status="operational", focal_name="Ana Ruiz", focal_email="ana@example.org",
        populations=[populations["unaccompanied_children"]], situations=[situations["detention"]],
        coverage={indicators["case_id"]: "yes", indicators["age"]: "partly", indicators["sex"]: "no"},
    )
    restricted = make_practice(
        ca, title="Pratique réservée", category=make_category("governments"),
        populations=[populations["travellers"]], coverage={indicators["case_id"]: "yes"},
    )
    draft = make_practice(gt, status="draft", title="Borrador secreto",
                          populations=[populations["travellers"]],
                          coverage={indicators["case_id"]: "yes"})
    submitted = make_practice(gt, status="submitted", title="Enviado sin revisar",
                              populations=[populations["travellers"]])
    return {"public": public, "restricted": restricted, "draft": draft, "submitted": submitted,
            "populations": populations, "situations": situations, "indicators": indicators}


def _row(html: str, code: str) -> str:
    start = html.index(f'id="country-{code}"')
    return html[start:html.index("</tr>", start)]


def test_open_data_json_only_public_published(client, become):
    data = _data()
    for user in (None, make_user("admin")):
        become(user)
        body = json.loads(client.get("/practices.json").get_data(as_text=True))
        titles = [p["title"] for p in body["practices"]]
        assert titles == ["Registro público"]
    record = body["practices"][0]
    assert record["country_code"] == "MX"
    assert record["system"]["name"] == "Sistema Público"
    assert record["system"]["indicators"]["case_id"] == "yes"
    assert record["system"]["indicators"]["age"] == "partly"
    assert record["system"]["indicators"]["follow_up"] is None
    assert record["target_populations"] == ["unaccompanied_children"]
    assert "ana@example.org" not in json.dumps(body) and "Ana Ruiz" not in json.dumps(body)
    assert body["schema"].endswith("/practices/open-data")
    assert data["draft"].title not in json.dumps(body)


def test_open_data_csv(client):
    _data()
    response = client.get("/practices.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["title"] for r in rows] == ["Registro público"]
    assert rows[0]["indicator_case_id"] == "yes"
    assert rows[0]["system_name"] == "Sistema Público"
    assert "focal_email" not in rows[0]


def test_schema_page_documents_every_field(client):
    lists()
    page = client.get("/practices/open-data").get_data(as_text=True)
    for name in ("system.indicators", "target_populations", "case_id", "unaccompanied_children",
                 "independently_evaluated"):
        assert name in page


def test_matrix_rows_cells_and_gaps(client, become):
    data = _data()
    page = client.get("/compare").get_data(as_text=True)
    mexico = _row(page, "MX")
    assert f"/practices/{data['public'].id}" in mexico
    assert "Yes" in mexico and "Partly" in mexico and "No information" in mexico
    assert 'aria-hidden="true">●' in mexico  # a symbol, not colour alone
    assert "No submission yet" in _row(page, "GT")  # drafts and submissions do not count
    assert "No submission yet" in _row(page, "CA")  # restricted category: not for anonymous
    assert '<th scope="col"' in page and '<th scope="row"' in page
    become(make_user("liaison", delegation="HN"))
    page = client.get("/compare").get_data(as_text=True)
    assert "No submission yet" not in _row(page, "CA")


def test_matrix_dimensions_and_filters(client):
    data = _data()
    page = client.get("/compare?by=technology").get_data(as_text=True)
    assert "In-house software" in page and "Yes" in _row(page, "MX")
    page = client.get("/compare?by=status").get_data(as_text=True)
    assert "Operational" in page
    travellers = data["populations"]["travellers"].id
    page = client.get(f"/compare?population={travellers}").get_data(as_text=True)
    assert "No published practice matches these filters" in _row(page, "MX")
    children = data["populations"]["unaccompanied_children"].id
    detention = data["situations"]["detention"].id
    page = client.get(f"/compare?population={children}&situation={detention}").get_data(as_text=True)
    assert "Yes" in _row(page, "MX")


def test_matrix_exports(client):
    _data()
    response = client.get("/compare.csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    assert header[:3] == ["Country", "Code", "Published practices"]
    assert "Case identifier" in header
    mexico = next(r for r in rows if r[1] == "MX")
    assert mexico[header.index("Case identifier")] == "Yes"
    assert mexico[header.index("Age or date of birth")] == "Partly"
    guatemala = next(r for r in rows if r[1] == "GT")
    assert guatemala[3] == "No submission yet"

    response = client.get("/compare.xlsx?by=populations")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Country"
    mexico = next(r for r in values if r[1] == "MX")
    column = values[0].index("Unaccompanied children and adolescents")
    assert mexico[column] == "Yes"
    assert len(book.worksheets) == 3


def test_exports_translated(client, become):
    _data()
    client.post("/language", data={"lang": "es"})
    rows = list(csv.reader(io.StringIO(client.get("/compare.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "País"
    assert "Identificador del caso" in rows[0]


def test_csv_formula_injection_is_neutralized(client):
    populations, _, _ = lists()
    make_practice(make_user("liaison", delegation="PA"), title="=HYPERLINK(\"http://x\")",
                  populations=[populations["travellers"]])
    rows = list(csv.DictReader(io.StringIO(client.get("/practices.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0]["title"].startswith("'=")


def test_countries_pages(client, become):
    data = _data()
    page = client.get("/countries").get_data(as_text=True)
    assert "Mexico" in page and "IOM" in page
    profile = client.get("/countries/MX").get_data(as_text=True)
    assert "Registro público" in profile and "Sistema Público" in profile
    assert "ana@example.org" not in profile
    assert "Log in to see the focal points" in profile
    become(make_user("observer"))
    assert "ana@example.org" in client.get("/countries/MX").get_data(as_text=True)
    assert client.get("/countries/XX").status_code == 404
    become(None)
    gt = client.get("/countries/GT").get_data(as_text=True)
    assert data["draft"].title not in gt and "No submission yet." in gt
