"""Static files (issue 8): fingerprinted names, a year's caching, ETags, gzip, and old names kept."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask

from webapp import assets
from webapp.security import CONTENT_SECURITY_POLICY

from .conftest import make_app

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
HASHED = re.compile(r"^/static/(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[a-z]+)$")
# What a page loads: its stylesheet, icon and script (a rel="alternate" link names the page in
# another language and loads nothing).
LINKS = re.compile(r'<(?:link(?! rel="alternate")|script)\b[^>]*?\b(?:href|src)="([^"]+)"')


@pytest.fixture
def client(app):
    return app.test_client()


def linked(client, page: str = "/", **kwargs) -> list[str]:
    """The stylesheet, icon and script URLs a page links."""
    body = client.get(page, **kwargs).get_data(as_text=True)
    return LINKS.findall(body)


def plain_name(url: str) -> str:
    """css/app.3f2a9c1b04de.css -> css/app.css."""
    found = HASHED.match(url)
    assert found, f"{url} is not a fingerprinted static URL"
    return found["stem"] + found["suffix"]


def started_with_static(folder: Path, tmp_path: Path) -> Flask:
    """A new app (a restart) serving static files from another folder."""
    app = make_app(tmp_path / "assets.sqlite3")
    app.static_folder = str(folder)
    assets.init_app(app)  # before the first request, as create_app does
    return app


# ---- names ---------------------------------------------------------------------------------------


def test_pages_link_the_stylesheet_script_and_icon_by_fingerprinted_name(client):
    urls = linked(client)
    assert sorted(plain_name(url) for url in urls) == ["css/app.css", "favicon.svg", "js/app.js"]
    for url in urls:
        digest = HASHED.match(url)["hash"]
        assert assets.read_asset(STATIC / plain_name(url), plain_name(url)).digest == digest


@pytest.mark.parametrize("page", ["/", "/tests", "/tests/ct", "/glossary", "/q/situation", "/no-such-page"])
def test_every_kind_of_page_links_fingerprinted_names_that_answer(client, page):
    urls = linked(client, page)
    assert len(urls) == 3
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_links_follow_the_mount_point(client):
    urls = linked(client, base_url="http://localhost/guide/")
    assert all(url.startswith("/guide/static/") for url in urls), urls


def test_the_fingerprint_goes_before_the_last_suffix():
    assert assets.fingerprinted("css/app.css", "abc") == "css/app.abc.css"
    assert assets.fingerprinted("favicon.svg", "abc") == "favicon.abc.svg"
    assert assets.fingerprinted("a/b/jquery.min.js", "abc") == "a/b/jquery.min.abc.js"
    assert assets.fingerprinted("LICENSE", "abc") == "LICENSE.abc"
    assert assets.fingerprinted(".hidden", "abc") == ".hidden.abc"


def test_asset_url_gives_templates_the_fingerprinted_name_of_any_static_file(app):
    with app.test_request_context("/"):
        url = app.jinja_env.globals["asset_url"]("js/app.js")
    assert plain_name(url) == "js/app.js"


# ---- caching -------------------------------------------------------------------------------------


def test_a_fingerprinted_name_is_kept_for_a_year_and_never_asked_again(client):
    for url in linked(client):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.get_etag()[0]
        assert response.data == (STATIC / plain_name(url)).read_bytes()


def test_types_are_right_and_text_says_its_charset(client):
    css, js, icon = (
        client.get(next(u for u in linked(client) if plain_name(u) == n))
        for n in ("css/app.css", "js/app.js", "favicon.svg")
    )
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    assert js.mimetype in {"text/javascript", "application/javascript"}
    assert icon.mimetype == "image/svg+xml"


def test_a_plain_name_still_works_with_a_short_lifetime(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.data == (STATIC / "css/app.css").read_bytes()
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "immutable" not in response.headers["Cache-Control"]
    assert response.get_etag()[0]


@pytest.mark.parametrize("url", ["fingerprinted", "/static/css/app.css"])
def test_the_etag_answers_a_revalidation_with_304_and_no_body(client, url):
    if url == "fingerprinted":
        url = next(u for u in linked(client) if plain_name(u) == "css/app.css")
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_a_head_request_answers_the_headers_without_the_body(client):
    url = linked(client)[0]
    response = client.head(url)
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Cache-Control"].endswith("immutable")


def test_static_files_set_no_cookie_so_shared_caches_may_keep_them(client):
    client.get("/start?situation=screening")  # a visitor with a session
    response = client.get(linked(client)[0])
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


# ---- compression ---------------------------------------------------------------------------------


def css_url(client) -> str:
    return next(url for url in linked(client) if plain_name(url) == "css/app.css")


def test_gzip_when_the_client_accepts_it_and_the_body_unpacks_to_the_file(client):
    response = client.get(css_url(client), headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert gzip.decompress(response.data) == (STATIC / "css/app.css").read_bytes()
    assert len(response.data) < (STATIC / "css/app.css").stat().st_size / 2


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0, identity", "br"])
def test_no_gzip_for_a_client_that_does_not_accept_it(client, accept):
    headers = {"Accept-Encoding": accept} if accept else {}
    response = client.get(css_url(client), headers=headers)
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]  # a cache must keep the two apart
    assert response.data == (STATIC / "css/app.css").read_bytes()


def test_each_encoding_has_its_own_etag_and_revalidates_on_its_own(client):
    url = css_url(client)
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.headers["ETag"] != packed.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304


def test_files_gzip_does_not_shrink_are_sent_as_they_are(tmp_path):
    (tmp_path / "tiny.css").write_text("a{}")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG" + bytes(range(256)) * 4)
    found = assets.Assets(tmp_path)
    assert found.by_name["tiny.css"].gzipped is None  # gzip's header alone is longer
    assert found.by_name["logo.png"].gzipped is None  # not a text type
    assert found.by_name["logo.png"].mimetype == "image/png"


# ---- changes and wrong names ---------------------------------------------------------------------


def test_a_changed_file_gets_a_new_url_after_a_restart(tmp_path):
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder)
    before = linked(started_with_static(folder, tmp_path).test_client())

    (folder / "css" / "app.css").write_text("body { color: #000; }\n", encoding="utf-8")
    restarted = started_with_static(folder, tmp_path).test_client()
    after = linked(restarted)

    old_css, new_css = (next(u for u in urls if plain_name(u) == "css/app.css") for urls in (before, after))
    assert old_css != new_css
    assert sorted(set(before) - set(after)) == [old_css]  # the others did not change, nor their names
    assert restarted.get(new_css).data == b"body { color: #000; }\n"
    assert restarted.get(old_css).status_code == 404  # never the new content under the old name
    assert restarted.get("/static/css/app.css").data == b"body { color: #000; }\n"


def test_in_debug_mode_an_edit_shows_at_the_next_request(tmp_path):
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder)
    app = started_with_static(folder, tmp_path)
    app.debug = True
    client = app.test_client()
    before = css_url(client)
    (folder / "css" / "app.css").write_text("main { margin: 0; }\n", encoding="utf-8")
    after = css_url(client)
    assert before != after
    assert client.get(after).data == b"main { margin: 0; }\n"


@pytest.mark.parametrize(
    "url",
    [
        "/static/css/app.000000000000.css",  # a fingerprint no file has (an old version, say)
        "/static/css/app.zzzzzzzzzzzz.css",
        "/static/css/nothing.css",
        "/static/css/",
        "/static/../webapp/config.py",
        "/static/%2e%2e/webapp/config.py",
        "/static/.hidden",
    ],
)
def test_unknown_names_are_not_found_not_an_error(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_hidden_files_are_not_served(tmp_path):
    (tmp_path / ".env").write_text("SECRET=1")
    (tmp_path / "ok.txt").write_text("fine")
    assert sorted(assets.Assets(tmp_path).by_name) == ["ok.txt"]


# ---- the content security policy -----------------------------------------------------------------


def test_everything_a_page_loads_is_same_origin_under_the_policy(client):
    response = client.get("/")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for directive in ("style-src 'self'", "script-src 'self'", "img-src 'self' data:"):
        assert directive in CONTENT_SECURITY_POLICY
    body = response.get_data(as_text=True)
    assert "<style" not in body
    assert re.search(r"<script(?![^>]*\bsrc=)", body) is None  # no inline script
    for url in LINKS.findall(body):
        assert url.startswith("/static/"), url  # same origin, no host, no CDN
