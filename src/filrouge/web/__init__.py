"""The HTTP API (JSON under ``/api/``) and the web app (pages), one FastAPI application.

The JSON shapes are the CLI's ``--json`` shapes (``INTERFACE.md``). Errors are JSON:
``{"error": message}`` with 400 (bad input), 401 (a write without the token), 404 (unknown
id), 413 (a body over the size limit) or 422 (nothing in the body could be stored). Every
page escapes what comes from articles (Jinja2's autoescape, and :func:`markup` for the
highlighted texts), and every query is parameterised in the store.

The store is one SQLite connection: requests are served one at a time on the event loop
(handlers are ``async`` and do not await), which is what a single connection allows.
"""

from __future__ import annotations

import gc
import hmac
import json
import math
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..api import Filrouge
from ..article import Story
from ..entities.ner import one_blas_thread
from ..errors import FilrougeError, NotFound

MAX_BODY = 20 * 2**20   # bytes a POST may carry
_HERE = Path(str(resources.files("filrouge").joinpath("web")))


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_app(fr: Filrouge, token: str | None = None) -> FastAPI:
    """The application over an open :class:`Filrouge`. With ``token`` (or
    ``$FILROUGE_TOKEN``), writes need ``Authorization: Bearer TOKEN``."""
    token = token or os.environ.get("FILROUGE_TOKEN") or None
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        one_blas_thread()    # each server process computes on one core
        fr.searcher.warm()   # the first search is as fast as the next ones
        # What is loaded now lives as long as the server: out of the collector's way, and
        # collections rarer (a request makes many small objects; a full collection that
        # walks every cached page made the slowest requests twice as slow).
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 20)
        yield

    app = FastAPI(lifespan=lifespan, title="filrouge", version="1", summary="News articles into stories: the JSON API",
                  description="The shapes are those of `filrouge ... --json` (INTERFACE.md).",
                  docs_url=None, redoc_url=None)
    app.state.fr = fr
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.globals["markup"] = markup
    pages: dict[tuple[Any, ...], dict[str, Any]] = {}   # story pages, per version of the store
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    # ------------------------------------------------------------------ errors
    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.method != "GET"

    def _error(request: Request, status: int, message: str) -> Response:
        if _is_api(request):
            return JSONResponse({"error": message}, status_code=status)
        return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                          status_code=status)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, e: ApiError) -> Response:
        return _error(request, e.status, e.message)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, e: NotFound) -> Response:
        return _error(request, 404, str(e))

    @app.exception_handler(FilrougeError)
    async def _bad(request: Request, e: FilrougeError) -> Response:
        return _error(request, 400, str(e))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> Response:
        parts = []
        for err in e.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        return _error(request, 400, "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> Response:
        message = "no such page" if e.status_code == 404 else str(e.detail)
        return _error(request, e.status_code, message)

    @app.exception_handler(Exception)
    async def _crash(request: Request, e: Exception) -> Response:  # a bug: say so, in JSON
        return _error(request, 500, f"internal error ({type(e).__name__}); the server log has the details")

    # ------------------------------------------------------------------ JSON API
    @app.get("/api/stories", tags=["stories"])
    async def api_stories(limit: int | None = Query(None, ge=1)) -> list[dict[str, Any]]:
        """Stories with their events, the most recent first (`filrouge stories --json`)."""
        return [s.as_dict() for s in fr.stories(limit=limit)]

    @app.get("/api/stories/{story_id}", tags=["stories"])
    async def api_story(story_id: str) -> dict[str, Any]:
        """One story with its summary, timeline, quotations, copies (`filrouge story --json`)."""
        return fr.story_report(story_id)

    @app.get("/api/stories/{story_id}/timeline", tags=["stories"])
    async def api_timeline(story_id: str, dates: int | None = Query(None, ge=1),
                           sentences: int = Query(2, ge=1)) -> list[dict[str, Any]]:
        """The dated, cited timeline (`filrouge timeline --json`)."""
        return [e.as_dict() for e in fr.timeline(story_id, dates=dates, sentences=sentences)]

    @app.get("/api/stories/{story_id}/summary", tags=["stories"])
    @app.get("/api/events/{story_id}/summary", tags=["stories"])
    @app.get("/api/summaries/{story_id}", tags=["stories"])
    async def api_summary(story_id: str, sentences: int = Query(5, ge=1)) -> dict[str, Any]:
        """The cited summary of a story or an event (`filrouge summary --json`)."""
        return fr.summary(story_id, sentences=sentences).as_dict()

    @app.get("/api/events/{event_id}", tags=["stories"])
    async def api_event(event_id: str) -> dict[str, Any]:
        """One event (its story's id is in `story`)."""
        st = fr.story(event_id)
        cid = fr.store.story_resolve(event_id.strip())
        for e in st.events:
            if e.id == cid:
                return e.as_dict()
        raise ApiError(404, f"'{event_id}' is a story, not an event: /api/stories/{st.id}")

    @app.get("/api/articles", tags=["articles"])
    async def api_articles(limit: int = Query(100, ge=1, le=10_000), offset: int = Query(0, ge=0)) -> list[dict[str, Any]]:
        """Stored articles (`filrouge articles --json`), by publication date."""
        ids = fr.store.ids()[offset:offset + limit]
        return [fr.article(i).summary_dict() for i in ids]

    @app.get("/api/articles/{article_id}", tags=["articles"])
    async def api_article(article_id: str) -> dict[str, Any]:
        """One article with what cleaning removed, its dates, entities, quotations, copies
        (`filrouge show --json`)."""
        return fr.show(article_id)

    @app.post("/api/articles", tags=["articles"], status_code=200)
    @app.post("/articles", tags=["articles"], status_code=200, include_in_schema=False)
    async def api_ingest(request: Request) -> Response:
        """Ingest one article or a list of them (the JSONL line format:
        `{"id", "title", "text", "language"?, "published"?, "source"?, "url"?}`) through the
        pipeline of `filrouge ingest`. Returns the ingest report; 422 when nothing could be
        stored."""
        _check_token(request, token)
        body = await request.body()
        if len(body) > MAX_BODY:
            raise ApiError(413, f"the body is {len(body)} bytes: at most {MAX_BODY} per request")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ApiError(400, f"the body is not JSON: {e}") from None
        records = data if isinstance(data, list) else [data]
        if not records:
            raise ApiError(400, "the body is an empty list: send an article object or a list of them")
        report = fr.ingest_records(records, origin="POST /api/articles")
        out = {"new": report.new, "new_versions": report.new_versions, "unchanged": report.unchanged,
               "stored": report.stored, "rejected": [r.as_dict() for r in report.rejected],
               "articles": len(records)}
        status = 422 if report.stored + report.unchanged == 0 else (201 if report.stored else 200)
        if status == 422:
            out["error"] = "; ".join(f"record {r.line}: {r.reason}" for r in report.rejected)
        return JSONResponse(out, status_code=status)

    @app.get("/api/entities", tags=["entities"])
    async def api_entities(type: str | None = Query(None, pattern="^(PER|LOC|ORG|MISC)$"),
                           limit: int | None = Query(None, ge=1)) -> list[dict[str, Any]]:
        """Canonical entities, most mentioned first (`filrouge entities --json`)."""
        return [e.as_dict() for e in fr.entities(type)[:limit]]

    @app.get("/api/entities/{entity}", tags=["entities"])
    async def api_entity(entity: str) -> dict[str, Any]:
        """One entity by id or any of its names (`filrouge entity --json`)."""
        return fr.entity(entity)

    @app.get("/api/quotes", tags=["entities"])
    async def api_quotes(speaker: str | None = None) -> list[dict[str, Any]]:
        """Quotations with their speakers (`filrouge quotes --json`)."""
        return fr.quotes(speaker)

    @app.get("/api/copies", tags=["articles"])
    async def api_copies() -> list[dict[str, Any]]:
        """Copy groups (`filrouge copies --json`)."""
        return [g.as_dict() for g in fr.copies()]

    @app.get("/api/search", tags=["search"])
    async def api_search(q: str = Query(..., min_length=1), start: str | None = Query(None, alias="from"),
                         end: str | None = Query(None, alias="to"), lang: str | None = None,
                         entity: str | None = None, source: str | None = None,
                         limit: int = Query(20, ge=1, le=200),
                         mode: str = Query("hybrid", pattern="^(hybrid|text|semantic)$")) -> list[dict[str, Any]]:
        """Full text and meaning fused (`filrouge search --json`)."""
        return [h.as_dict() for h in fr.search(q, start=start, end=end, language=lang, entity=entity,
                                                source=source, limit=limit, mode=mode)]

    # ------------------------------------------------------------------ pages
    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def page_docs(request: Request) -> Response:
        """The API's operations from its OpenAPI schema (served here: no script from the
        network, which the usual Swagger page needs)."""
        schema = app.openapi()
        ops = [{"method": m.upper(), "path": path, "summary": op.get("summary", ""),
                "doc": op.get("description", ""), "params": op.get("parameters", [])}
               for path, item in schema["paths"].items() for m, op in item.items()]
        return templates.TemplateResponse(request, "docs.html", {"ops": ops})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page_home(request: Request) -> Response:
        return templates.TemplateResponse(request, "home.html", {"stories": fr.stories(limit=100),
                                                                 "articles": fr.count()})

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def page_story(request: Request, story_id: str) -> Response:
        key = fr.told_key(story_id)
        context = pages.get(key)
        if context is None:
            st, report = fr.story_view(story_id)
            notes: dict[str, int] = {}
            for s in report["summary"] + [s for e in report["timeline"] for s in e["sentences"]]:
                for a in s["sources"]:
                    notes.setdefault(a, len(notes) + 1)
            context = {"st": st, "report": report, "info": fr.store.story_article_info(st.articles),
                       "dates": fr.store.published_dates(st.articles), "notes": notes, "chart": timeline_chart(st)}
            if len(pages) >= 256:
                pages.pop(next(iter(pages)))
            pages[key] = context
        return templates.TemplateResponse(request, "story.html", context)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    async def page_article(request: Request, article_id: str) -> Response:
        shown = fr.show(article_id)
        return templates.TemplateResponse(request, "article.html", {
            "a": shown, "body": article_markup(shown)})

    @app.get("/entities/{entity}", response_class=HTMLResponse, include_in_schema=False)
    async def page_entity(request: Request, entity: str) -> Response:
        ent = fr.entity(entity)
        info = fr.store.story_article_info(ent["articles"][:200])
        return templates.TemplateResponse(request, "entity.html", {
            "e": ent, "info": info, "graph": entity_graph(ent)})

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    async def page_search(request: Request, q: str = "", start: str | None = Query(None, alias="from"),
                          end: str | None = Query(None, alias="to"), lang: str | None = None,
                          entity: str | None = None, source: str | None = None) -> Response:
        groups: list[tuple[str | None, str, list[Any]]] = []
        error = None
        if q.strip():
            try:
                hits = fr.search(q, start=start or None, end=end or None, language=lang or None,
                                 entity=entity or None, source=source or None, limit=30)
            except FilrougeError as e:
                hits, error = [], str(e)
            labels = fr.story_labels(h.story for h in hits if h.story)
            by: dict[str | None, list[Any]] = {}
            for h in hits:
                by.setdefault(h.story, []).append(h)
            groups = [(sid, labels.get(sid, "no story yet") if sid else "no story yet", found)
                      for sid, found in by.items()]
        return templates.TemplateResponse(request, "search.html", {
            "q": q, "groups": groups, "error": error,
            "f": {"from": start or "", "to": end or "", "lang": lang or "", "entity": entity or "",
                  "source": source or ""}})

    return app


def _check_token(request: Request, token: str | None) -> None:
    if token is None:
        return
    given = request.headers.get("authorization", "")
    given = given[7:] if given.lower().startswith("bearer ") else request.headers.get("x-filrouge-token", "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise ApiError(401, "this server needs a token for writes: send 'Authorization: Bearer TOKEN'")


# ---------------------------------------------------------------------- markup helpers
def markup(text: str, highlights: list[list[int]] | tuple[tuple[int, int], ...] = ()) -> Markup:
    """``text`` escaped, with ``<mark>`` around the (start, end) pieces."""
    out = []
    last = 0
    for a, b in sorted((int(x), int(y)) for x, y in highlights):
        if a < last:
            continue
        out.append(escape(text[last:a]))
        out.append(Markup("<mark>") + escape(text[a:b]) + Markup("</mark>"))
        last = b
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _nest(text: str, spans: list[tuple[int, int, Markup, Markup]]) -> Markup:
    """Escaped text with properly nested tags; a span that crosses another is left out."""
    out: list[Markup] = []
    pos = 0
    stack: list[tuple[int, Markup]] = []
    for s, e, open_tag, close_tag in sorted(spans, key=lambda x: (x[0], -x[1])):
        while stack and stack[-1][0] <= s:
            end, close = stack.pop()
            out.append(escape(text[pos:end]))
            out.append(close)
            pos = end
        if s < pos or e <= s or (stack and e > stack[-1][0]):
            continue
        out.append(escape(text[pos:s]))
        out.append(open_tag)
        pos = s
        stack.append((e, close_tag))
    while stack:
        end, close = stack.pop()
        out.append(escape(text[pos:end]))
        out.append(close)
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def article_markup(shown: dict[str, Any]) -> list[Markup]:
    """The clean text's paragraphs with quotations, entities and dates marked."""
    text = shown["text"]
    paragraphs = shown.get("paragraphs") or [[0, len(text)]]
    spans: list[tuple[int, int, Markup, Markup]] = []
    for q in shown.get("quotes", []):
        who = q.get("speaker") or "unknown speaker"
        spans.append((q["start"], q["end"], Markup('<q class="quote" title="{}">').format(f"said by {who}"),
                      Markup("</q>")))
    for m in shown.get("entities", []):
        tag = Markup('<a class="ent ent-{}" href="/entities/{}" title="{}">').format(
            m["type"], m["entity_id"] or "", f"{m['name']} ({m['type']})") if m.get("entity_id") else \
            Markup('<span class="ent ent-{}" title="{}">').format(m["type"], m["type"])
        spans.append((m["start"], m["end"], tag, Markup("</a>") if m.get("entity_id") else Markup("</span>")))
    for d in shown.get("dates", []):
        spans.append((d["start"], d["end"], Markup('<time class="date" datetime="{}" title="{}">').format(
            d["value"], f"{d['value']} ({d['granularity']})"), Markup("</time>")))
    out = []
    for ps, pe in paragraphs:
        inside = [(max(s, ps) - ps, min(e, pe) - ps, o, c) for s, e, o, c in spans if s < pe and e > ps]
        out.append(_nest(text[ps:pe], inside))
    return out


def _day(value: str | None) -> int | None:
    if not value:
        return None
    parts = value.split("-")
    try:
        return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 7, int(parts[2]) if len(parts) > 2 else
                    (15 if len(parts) > 1 else 1)).toordinal()
    except (ValueError, IndexError):
        return None


def timeline_chart(st: Story, width: int = 800, height: int = 140) -> dict[str, Any]:
    """Where to draw each dated event of a story on an SVG time axis."""
    dated = [(e, d) for e in st.events if (d := _day(e.date)) is not None]
    if not dated:
        return {"points": [], "ticks": [], "width": width, "height": height}
    lo = min(d for _, d in dated)
    hi = max(d for _, d in dated)
    span = max(hi - lo, 1)
    pad = 40
    points = []
    lanes: list[float] = []
    for e, d in sorted(dated, key=lambda x: x[1]):
        x = pad + (d - lo) / span * (width - 2 * pad) if hi > lo else width / 2
        r = 5 + 3 * math.sqrt(len(e.articles))
        lane = next((i for i, end in enumerate(lanes) if end < x - r - 2), len(lanes))
        if lane == len(lanes):
            lanes.append(0.0)
        lanes[lane] = x + r
        y = 50 + (lane % 3) * 28
        points.append({"x": round(x, 1), "y": y, "r": round(r, 1), "id": e.id, "title": e.title,
                       "date": e.date, "n": len(e.articles)})
    ticks = []
    months = sorted({date.fromordinal(d).replace(day=1).toordinal() for _, d in dated} |
                    {date.fromordinal(hi).replace(day=1).toordinal()})
    step = max(1, len(months) // 8)
    for m in months[::step]:
        if lo - 31 <= m <= hi:
            x = pad + (max(m, lo) - lo) / span * (width - 2 * pad) if hi > lo else width / 2
            ticks.append({"x": round(x, 1), "label": date.fromordinal(m).strftime("%Y-%m")})
    return {"points": points, "ticks": ticks, "width": width, "height": height}


def entity_graph(ent: dict[str, Any], size: int = 360) -> dict[str, Any]:
    """A star of the entity and the entities named in the same articles."""
    co = ent.get("cooccurring", [])[:12]
    cx = cy = size / 2
    radius = size / 2 - 60
    top = max((c["articles"] for c in co), default=1)
    nodes = []
    for i, c in enumerate(co):
        angle = 2 * math.pi * i / max(len(co), 1) - math.pi / 2
        nodes.append({"x": round(cx + radius * math.cos(angle), 1), "y": round(cy + radius * math.sin(angle), 1),
                      "id": c["id"], "name": c["name"], "type": c["type"], "n": c["articles"],
                      "w": round(1 + 5 * c["articles"] / top, 1)})
    return {"size": size, "cx": cx, "cy": cy, "nodes": nodes}


def app_from_env() -> FastAPI:
    """The application of ``$FILROUGE_DB`` (and ``$FILROUGE_CONFIG``, ``$FILROUGE_TOKEN``): what
    each worker process builds when ``filrouge serve --workers N`` runs several."""
    from ..settings import Settings

    return create_app(Filrouge(os.environ.get("FILROUGE_DB"), Settings.load()))


def serve(fr: Filrouge, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          workers: int = 1) -> None:
    """Run the server. With ``workers`` > 1, that many processes, each with its own
    connection to the store (SQLite in WAL mode serves them side by side)."""
    import uvicorn

    if workers <= 1:
        uvicorn.run(create_app(fr, token), host=host, port=port, log_level="info")
        return
    os.environ["FILROUGE_DB"] = os.path.abspath(fr.path)
    if token:
        os.environ["FILROUGE_TOKEN"] = token
    fr.close()
    # The listening socket is made here with TCP_NODELAY, which the connections it accepts
    # inherit: uvicorn's worker processes otherwise answer a kept-alive connection 40 ms
    # late (Nagle's algorithm meeting the client's delayed acknowledgement).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    uvicorn.run("filrouge.web:app_from_env", factory=True, fd=sock.fileno(), workers=workers, log_level="info")
