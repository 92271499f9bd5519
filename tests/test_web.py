"""The HTTP API (httpx through FastAPI's test client), random JSON thrown at the ingest
endpoint, escaping of article text, and the web app in a real browser (Debian's Chromium
driven by Playwright) against a server started on a free port."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import filrouge
from filrouge.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
EVIL = "<script>alert('x')</script> et <img src=x onerror=alert(1)>"


@pytest.fixture
def client(sample_store, tmp_path):
    db = tmp_path / "web.db"
    shutil.copy(sample_store, db)
    with filrouge.open(db) as fr:
        yield TestClient(create_app(fr, token=None), raise_server_exceptions=False)


def test_web_api_lists_and_gets_in_the_cli_shapes(client):
    stories = client.get("/api/stories").json()
    assert stories and {"id", "label", "start", "end", "articles", "events"} <= set(stories[0])
    russia = next(s for s in stories if "001_fr_choigou_pyongyang_afp" in s["articles"])
    one = client.get(f"/api/stories/{russia['id']}").json()
    assert {"summary", "timeline", "quotes", "copies"} <= set(one) and one["id"] == russia["id"]
    tl = client.get(f"/api/stories/{russia['id']}/timeline", params={"sentences": 1}).json()
    assert tl and all({"date", "granularity", "background", "sentences"} <= set(e) for e in tl)
    event = russia["events"][0]["id"]
    assert client.get(f"/api/events/{event}").json()["id"] == event
    sm = client.get(f"/api/events/{event}/summary", params={"sentences": 2}).json()
    assert sm["id"] == event and sm["sentences"] and all(s["sources"] for s in sm["sentences"])
    art = client.get("/api/articles/002_fr_choigou_pyongyang_reprise").json()
    assert art["copy_group"] and art["story"] == russia["id"] and "removed" in art
    assert len(client.get("/api/articles", params={"limit": 5}).json()) == 5
    ents = client.get("/api/entities", params={"type": "PER", "limit": 3}).json()
    assert len(ents) == 3 and all(e["type"] == "PER" for e in ents)
    kim = client.get("/api/entities/Kim Jong-un").json()
    assert kim["name"] == "Kim Jong Un" and kim["cooccurring"]
    assert all(q["speaker"] for q in client.get("/api/quotes", params={"speaker": "Vladimir Poutine"}).json())
    assert client.get("/api/copies").json()
    assert "/api/search" in client.get("/openapi.json").json()["paths"]
    assert "/api/stories" in client.get("/docs").text
    # The story page marks a date inferred (here from the text) with "~", as the CLI does.
    page = client.get(f"/stories/{russia['id']}").text
    assert "~2024-02</span>" in page and "2024-04-18</span>" in page and "~2024-04-18" not in page


def test_web_api_search_finds_english_articles_for_a_french_query(client):
    hits = client.get("/api/search", params={"q": "inondations dans le sud de la France", "lang": "en"}).json()
    assert hits and hits[0]["article"] == "010_en_southern_france_floods"
    assert {"article", "story", "score", "snippet"} <= set(hits[0])
    # Accents folded both ways, and the filters apply.
    hits = client.get("/api/search", params={"q": "Choigou", "mode": "text"}).json()
    assert "001_fr_choigou_pyongyang_afp" in [h["article"] for h in hits]
    assert all(h["snippet"][a:b].lower().startswith("cho") for h in hits for a, b in h["highlights"][:1])
    dated = client.get("/api/search", params={"q": "taux", "from": "2024-06-07", "to": "2024-06-30"}).json()
    assert dated and all("2024-06-07" <= (h["published"] or "")[:10] <= "2024-06-30" for h in dated)
    lagarde = client.get("/api/search", params={"q": "taux", "entity": "Lagarde"}).json()
    assert lagarde and all(h["story"] == lagarde[0]["story"] for h in lagarde)


def test_web_errors_are_json_with_the_right_status(client):
    r = client.get("/api/articles/nope")
    assert r.status_code == 404 and r.json() == {"error": "no article with id 'nope'"}
    assert client.get("/api/stories/nope").status_code == 404
    r = client.get("/api/search", params={"q": "x", "from": "2023-13"})
    assert r.status_code == 400 and "not a date" in r.json()["error"]
    assert client.get("/api/search").status_code == 400                       # no query
    assert client.get("/api/entities", params={"type": "XX"}).status_code == 400
    assert client.get("/api/stories/nope/timeline", params={"sentences": 0}).status_code == 400
    assert client.get("/api/entities/Nobody Known").status_code == 404
    page = client.get("/stories/nope")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    r = client.post("/api/articles", content=b"\xff\xfe not json")
    assert r.status_code == 400 and "not JSON" in r.json()["error"]
    r = client.post("/api/articles", json=[])
    assert r.status_code == 400
    r = client.post("/api/articles", json={"title": "a text that is not text", "text": 5})
    assert r.status_code == 422 and r.json()["rejected"] and "error" in r.json()


def test_web_post_ingests_through_the_pipeline_and_a_token_guards_writes(sample_store, tmp_path):
    db = tmp_path / "t.db"
    shutil.copy(sample_store, db)
    with filrouge.open(db) as fr:
        before = fr.count()
        c = TestClient(create_app(fr, token="s3cret"), raise_server_exceptions=False)
        body = [{"id": "post-1", "title": "Crue du Vidourle", "published": "2024-10-17", "source": "Test",
                 "text": "Le Vidourle est sorti de son lit jeudi à Lunel, où des habitants ont été évacués. "
                         "La préfecture du Gard maintient la vigilance."}]
        assert c.post("/api/articles", json=body).status_code == 401
        assert c.post("/api/articles", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
        r = c.post("/api/articles", json=body, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 201 and r.json()["new"] == 1
        r = c.post("/articles", json=body, headers={"X-Filrouge-Token": "s3cret"})
        assert r.status_code == 200 and r.json()["unchanged"] == 1
        assert fr.count() == before + 1
        shown = c.get("/api/articles/post-1").json()
        assert shown["story"] and shown["dates"] and shown["entities"]   # the whole pipeline ran
        assert c.get("/api/stories").status_code == 200                  # reads need no token


def test_web_article_text_is_escaped_everywhere(client):
    r = client.post("/api/articles", json={"id": "evil", "title": "Titre " + EVIL, "source": EVIL,
                                           "text": "Un article sur Pyongyang. " + EVIL + " Fin du texte ici."})
    assert r.status_code == 201
    story = client.get("/api/articles/evil").json()["story"]
    for path in ("/articles/evil", f"/stories/{story}", "/search?q=onerror+script+Pyongyang", "/"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
    assert "&lt;script&gt;" in client.get("/articles/evil").text


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "title", "text", "language", "published", "source", "url", "x"]) | st.text(max_size=8),
        inner, max_size=6),
    max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_json)
def test_web_random_json_never_gives_500_and_loses_nothing(client, body):
    before = client.get("/api/articles", params={"limit": 10_000}).json()
    r = client.post("/api/articles", content=json.dumps(body, allow_nan=True).encode())
    assert r.status_code in (200, 201, 400, 422), r.text
    out = r.json()
    if r.status_code in (200, 201, 422):
        sent = len(body) if isinstance(body, list) else 1
        assert out["new"] + out["new_versions"] + out["unchanged"] + len(out["rejected"]) == sent, out
    else:
        assert out["error"]
    after = {a["id"] for a in client.get("/api/articles", params={"limit": 10_000}).json()}
    assert {a["id"] for a in before} <= after


# ---------------------------------------------------------------------- the browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_store, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (make test does)")
    pytest.importorskip("playwright")
    db = tmp_path_factory.mktemp("served") / "served.db"
    shutil.copy(sample_store, db)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "filrouge.cli", "--db", str(db), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(f"filrouge serve exited: {proc.stdout.read() if proc.stdout else ''}")
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _shots() -> Path | None:
    where = os.environ.get("FILROUGE_SCREENSHOTS")
    return Path(where) if where else None


def test_web_browser_story_timeline_summary_citation_and_search(server, browser, tmp_path):
    shots = _shots() or tmp_path
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    assert page.locator(".story-card").count() >= 4
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    # Open the Russia - North Korea story from the home page.
    page.locator(".story-card a.label", has_text="Kim Jong Un").first.click()
    page.wait_for_selector("#timeline")
    assert page.locator("#summary li").count() >= 3
    assert page.locator("#timeline ol.entries li.entry").count() >= 3
    assert page.locator("svg.chart a.point").count() >= 2
    page.screenshot(path=str(shots / "story.png"), full_page=True)
    # Click an event on the chart: its details open.
    point = page.locator("svg.chart a.point").first
    event = point.get_attribute("data-event")
    point.click()
    assert page.locator(f"details#event-{event}").get_attribute("open") is not None
    # Follow a citation of the summary to its article.
    cite = page.locator("#summary a.cite").first
    target = cite.get_attribute("href")
    cite.click()
    page.wait_for_url("**" + target)
    assert page.locator("article.text p").count() >= 1
    assert page.locator("article.text .ent").count() >= 1
    page.screenshot(path=str(shots / "article.png"), full_page=True)
    # An entity page with its graph.
    page.locator("article.text a.ent").first.click()
    page.wait_for_selector("h1")
    assert "/entities/" in page.url
    page.screenshot(path=str(shots / "entity.png"), full_page=True)
    # Search in French, find the English article.
    page.goto(server + "/search")
    page.fill("form.search input[name=q]", "inondations dans le sud de la France")
    page.click("form.search button")
    page.wait_for_selector(".result")
    assert page.locator(".result a.title[href='/articles/010_en_southern_france_floods']").count() == 1
    page.screenshot(path=str(shots / "search.png"), full_page=True)
    page.close()


def test_web_browser_works_on_a_phone_screen(server, browser, tmp_path):
    shots = _shots() or tmp_path
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page.goto(server + "/")
    page.locator(".story-card a.label").first.click()
    page.wait_for_selector("#summary")
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(shots / "story-phone.png"), full_page=False)
    page.close()
