"""The API documentation page: every text of the OpenAPI document translated, Markdown rendered."""

from matchmaker.api.doc_texts import TEXTS


def spec_texts(spec) -> set[str]:
    texts = {spec["info"]["description"]}
    for operations in spec["paths"].values():
        for op in operations.values():
            if not isinstance(op, dict):
                continue
            texts.update(op[k] for k in ("summary", "description") if op.get(k))
            texts.update(
                r["description"] for r in op.get("responses", {}).values() if r.get("description")
            )
    for schema in spec["components"]["schemas"].values():
        for field in (schema.get("properties") or {}).values():
            if field.get("description"):
                texts.add(field["description"])
    return texts


def test_every_text_of_the_document_is_listed_for_translation(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    missing = spec_texts(spec) - TEXTS
    assert not missing, f"add to matchmaker/api/doc_texts.py and translate: {sorted(missing)}"


def test_the_docs_page_renders_markdown_in_the_readers_language(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "search <code>q</code> over name" in html
    assert "`q`" not in html and "`flask" not in html
    client.set_cookie("lang", "ru")
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "Каталог фирм: поиск <code>q</code> по названию" in html
    assert "<code>flask --app matchmaker users token EMAIL</code>" in html
    assert "The firm directory" not in html
    client.set_cookie("lang", "ur")
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert 'dir="rtl"' in html and "فرموں کی ڈائریکٹری" in html
    assert '<code dir="ltr">GET /api/v1/firms</code>' in html
