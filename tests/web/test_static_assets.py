"""Static files under hashed names with a year's caching, the Urdu font only on Urdu pages, and
gzipped pages."""

import gzip
import re

from tests.helpers import csrf_token

LINK = re.compile(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"')


def test_pages_link_hashed_static_files_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    css = LINK.search(html).group(1)
    assert re.search(r'src="/static/js/site\.[0-9a-f]{12}\.js"', html)
    response = client.get(css)
    assert response.status_code == 200 and response.mimetype == "text/css"
    cache = response.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    # The plain name still answers, revalidated.
    plain = client.get("/static/css/site.css")
    assert plain.status_code == 200 and "max-age=0" in plain.headers["Cache-Control"]
    assert client.get("/static/css/site.000000000000.css").status_code == 404
    assert client.get("/static/../matchmaker/app.py").status_code == 404


def test_the_urdu_font_is_linked_by_urdu_pages_only_and_under_its_hashed_name(client):
    english = client.get("/").get_data(as_text=True)
    assert "urdu" not in english.split("</head>", 1)[0]
    site_css = client.get(LINK.search(english).group(1)).get_data(as_text=True)
    assert "@font-face" not in site_css and ".ttf" not in site_css
    client.post(
        "/language", data={"lang": "ur", "next": "/", "csrf_token": csrf_token(client, "/")}
    )
    urdu = client.get("/").get_data(as_text=True)
    found = re.search(r'href="(/static/css/urdu\.[0-9a-f]{12}\.css)"', urdu)
    assert found, urdu.split("</head>", 1)[0]
    font_css = client.get(found.group(1)).get_data(as_text=True)
    fonts = re.findall(
        r'url\("\.\./fonts/(NotoNaskhArabic-Regular\.[0-9a-f]{12}\.ttf)"\)', font_css
    )
    assert fonts
    font = client.get(f"/static/fonts/{fonts[0]}")
    assert font.status_code == 200 and "immutable" in font.headers["Cache-Control"]


def test_big_pages_are_gzipped_for_clients_that_accept_it(client, auth, world):
    auth.login("staff@example.com")
    client.get("/review")  # shows the sign-in's flash once
    plain = client.get("/review")
    assert "Content-Encoding" not in plain.headers
    zipped = client.get("/review", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]

    def without_tokens(data: bytes) -> bytes:
        return re.sub(rb'value="[\w.-]{40,}"', b"", data)

    assert without_tokens(gzip.decompress(zipped.data)) == without_tokens(plain.data)
    assert len(zipped.data) < len(plain.data) / 3
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers
