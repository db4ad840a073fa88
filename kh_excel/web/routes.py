"""The pages and downloads of ``kh-excel web``: parse the request, call :mod:`kh_excel.app`,
render. Every handler turns a library error into the CLI's message on the page."""
from __future__ import annotations

import functools
import io
import traceback
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (FileResponse, HTMLResponse, JSONResponse, RedirectResponse,
                                 Response)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .. import app
from ..errors import KhError, ReportHasErrors
from ..model import CheckReport, FileResult
from ..numfmt import format_number
from ..periods import LEGACY, Period, scheme_for
from .guard import Guard
from .preview import report_html
from .session import Session, new_session_id
from .texts import CHILD_WORDS, text
from .uploads import UploadRefused, store_upload, unpack_zips

HERE = Path(__file__).parent
LEVELS = {"xa": ("Cấp xã", "Communes"), "huyen": ("Cấp huyện", "District"),
          "tinh": ("Cấp tỉnh", "Province"), "tw": ("Trung ương", "National"),
          "tong": ("Tổng cộng", "Total")}
SEVERITY = {"loi": ("Lỗi", "Error"), "canh_bao": ("Cảnh báo", "Warning"),
            "thong_tin": ("Thông tin", "Info")}


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in ("vi", "en"):
        return asked
    return "en" if request.cookies.get("kh_lang") == "en" else "vi"


def periods(today: date | None = None) -> list[str]:
    """The periods offered: this year back to 2020, the year and its first half."""
    year = (today or date.today()).year
    return [p for y in range(year, 2019, -1) for p in (str(y), f"{y}-H1")]


def default_period(today: date | None = None) -> str:
    """The report being written now: the year's from November to May, the first half's from
    June to October."""
    today = today or date.today()
    if today.month >= 11:
        return str(today.year)
    return f"{today.year}-H1" if today.month >= 6 else str(today.year - 1)


class Web:
    """The application: the sessions of this server run, the templates, the handlers."""

    def __init__(self, root: Path, debug: bool = False) -> None:
        self.root = root
        self.debug = debug  # tracebacks on the terminal (kh-excel --debug web)
        self.sessions: dict[str, Session] = {}
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        env = self.templates.env
        env.globals.update(t=text, format_number=format_number, levels=LEVELS,
                           severity=SEVERITY, child_words=CHILD_WORDS)
        env.filters["num"] = lambda v: "" if v is None else format_number(v, 2, trim=True) \
            if v != int(v) else format_number(v)

    # -- helpers ---------------------------------------------------------------------------

    def page(self, request: Request, template: str, status: int = 200, **context) -> Response:
        lang = lang_of(request)
        context.update(lang=lang, path=request.url.path)
        response = self.templates.TemplateResponse(request, template, context, status_code=status)
        if request.query_params.get("lang") in ("vi", "en"):
            response.set_cookie("kh_lang", lang, samesite="strict", httponly=True)
        return response

    def error(self, request: Request, message: str, status: int = 400) -> Response:
        if request.headers.get("accept", "").startswith("application/json"):
            return JSONResponse({"error": message}, status_code=status)
        return self.page(request, "error.html", status=status, message=message)

    def session(self, request: Request) -> Session | None:
        return self.sessions.get(request.path_params.get("sid", ""))

    # -- home ------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        return self.page(request, "home.html", periods=periods(), chosen=default_period(),
                         message=None, query="")

    async def units(self, request: Request) -> Response:
        lang = lang_of(request)
        period = request.query_params.get("period", default_period())
        query = request.query_params.get("q", "")[:100]
        try:
            found = app.suggest_units(query, period=period)
            scheme = scheme_for(Period.parse(period))
        except KhError as exc:
            return JSONResponse({"units": [], "hint": exc.message(lang)})
        hint = "" if found or not query.strip() else text(
            "no_match", lang, q=query.strip(), period=period,
            scheme=text("scheme_legacy" if scheme == LEGACY else "scheme_two", lang))
        return JSONResponse({"units": [{"code": u.code, "name": u.name, "label": label}
                                       for u, label in found], "hint": hint})

    async def open_session(self, request: Request) -> Response:
        form = await request.form()
        lang = lang_of(request)
        query = str(form.get("unit", "")).strip()
        code = str(form.get("code", "")).strip()
        period = str(form.get("period", "")).strip()
        try:
            scheme = scheme_for(Period.parse(period))
            unit = app.find_units(code or query, scheme=scheme)[0]
            children = app.find_units(scheme=scheme, parent=unit.code)
        except KhError as exc:
            return self.page(request, "home.html", status=400, periods=periods(), chosen=period,
                             message=exc.message(lang), query=query)
        if not children:
            return self.page(request, "home.html", status=400, periods=periods(), chosen=period,
                             message=text("no_children", lang, name=unit.name), query=query)
        sid = new_session_id()
        folder = self.root / sid
        folder.mkdir(mode=0o700)
        self.sessions[sid] = Session(sid, unit, str(Period.parse(period)), children, folder)
        return RedirectResponse(f"/w/{sid}", status_code=303)

    # -- forms and receiving -----------------------------------------------------------------

    async def workspace(self, request: Request) -> Response:
        s = self.session(request)
        lang = lang_of(request)
        if s.stale or (s.fresh and s.read_lang != lang):
            s.start_reading(lang)
        child_tier = s.children[0].tier
        copies = s.fresh and any(r.submission is not None and s.receipt.findings_of(r.path)
                                 for r in s.receipt.result.files)
        return self.page(request, "session.html", s=s, child=CHILD_WORDS[child_tier],
                         reading=s.job.state == "running", step="forms", copies=copies)

    async def forms_zip(self, request: Request) -> Response:
        s = self.session(request)

        def build() -> bytes:
            made = app.make_forms(period=s.period, children_of=s.unit.code,
                                  out_dir=s.outputs / "bieu-mau", force=True)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
                for path in made.paths:
                    zf.write(path, path.name)
            return buffer.getvalue()

        data = await run_in_threadpool(build)
        return _download(data, f"{s.period}_{s.unit.code}_{s.unit.slug}_bieu-mau.zip",
                         "application/zip")

    async def upload(self, request: Request) -> Response:
        s = self.session(request)
        lang = lang_of(request)
        s.uploads.mkdir(exist_ok=True)
        try:
            stored = await store_upload(request, s.uploads, s.used)
        except UploadRefused as exc:
            status = 400 if exc.code in ("bad_request", "not_multipart") else 413
            return JSONResponse({"error": text(exc.code, lang, **exc.params)}, status_code=status)
        stored = await run_in_threadpool(unpack_zips, stored, s.uploads)
        s.add_files(stored.files, stored.size)
        s.refused.extend(stored.refused)
        return JSONResponse({"stored": len(stored.files),
                             "refused": [f"{n}: {text(c, lang, **p)}" for n, c, p in stored.refused]})

    async def read(self, request: Request) -> Response:
        s = self.session(request)
        s.start_reading(lang_of(request))
        return JSONResponse({"state": s.job.state})

    async def progress(self, request: Request) -> Response:
        job = self.session(request).job
        return JSONResponse({"state": job.state, "done": job.done, "total": job.total,
                             "error": job.error})

    async def remove(self, request: Request) -> Response:
        s = self.session(request)
        form = await request.form()
        which = str(form.get("file", ""))
        s.remove(None if which == "all" else int(which) if which.isdigit() else -1)
        return RedirectResponse(f"/w/{s.id}#nhan-bieu", status_code=303)

    async def copy(self, request: Request) -> Response:
        s = self.session(request)
        fid = request.path_params["fid"]
        path = s.files.get(fid)
        if path is None or not s.fresh:
            return self.error(request, text("not_found", lang_of(request)), 404)
        found = s.receipt.findings_of(str(path))
        out = s.outputs / "tra-lai" / str(fid)
        done = await run_in_threadpool(
            app.annotate, CheckReport([FileResult(str(path), _sub(s, path), found)]), out,
            force=True)
        if not done.written:
            reason = done.skipped[0][1] if done.skipped else ""
            return self.error(request, s.plain(reason) or text("no_findings", lang_of(request)))
        return FileResponse(done.written[0], filename=done.written[0].name)

    async def copies_zip(self, request: Request) -> Response:
        s = self.session(request)
        if not s.fresh:
            return self.error(request, text("not_found", lang_of(request)), 404)
        files = [FileResult(r.path, r.submission, s.receipt.findings_of(r.path))
                 for r in s.receipt.result.files if r.submission is not None]

        def build() -> bytes:
            out = s.outputs / "tra-lai" / "tat-ca"
            done = app.annotate(CheckReport(files), out, force=True)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
                for path in done.written:
                    zf.write(path, path.relative_to(out))
            return buffer.getvalue()

        data = await run_in_threadpool(build)
        return _download(data, f"{s.period}_{s.unit.code}_{s.unit.slug}_tra-lai.zip",
                         "application/zip")

    # -- roll-up ---------------------------------------------------------------------------

    async def rollup_page(self, request: Request) -> Response:
        s = self.session(request)
        catalogue = app.list_indicators()
        return self.page(request, "rollup.html", s=s, step="rollup", catalogue=catalogue,
                         name=app.rollup_file_name(s.receipt.result) if s.fresh else "",
                         child=CHILD_WORDS[s.children[0].tier])

    async def rollup(self, request: Request) -> Response:
        s = self.session(request)
        if not s.fresh:
            return RedirectResponse(f"/w/{s.id}/tong-hop", status_code=303)
        result = s.receipt.result
        target = s.outputs / app.rollup_file_name(result)
        s.rollup_path = await run_in_threadpool(app.write_rollup, result, target, force=True)
        return RedirectResponse(f"/w/{s.id}/tong-hop#ket-qua", status_code=303)

    async def rollup_file(self, request: Request) -> Response:
        s = self.session(request)
        if s.rollup_path is None:
            return self.error(request, text("rollup_none", lang_of(request)), 404)
        return FileResponse(s.rollup_path, filename=s.rollup_path.name)

    # -- report ----------------------------------------------------------------------------

    async def report_page(self, request: Request) -> Response:
        s = self.session(request)
        return self.page(request, "report.html", s=s, step="report", values={},
                         preview=report_html(s.report.markdown()) if s.report else None,
                         message=None)

    async def report(self, request: Request) -> Response:
        s = self.session(request)
        lang = lang_of(request)
        if s.rollup_path is None:
            return RedirectResponse(f"/w/{s.id}/bao-cao", status_code=303)
        form = await request.form()
        values = {k: str(form.get(k, "")).strip() for k in
                  ("style", "so", "ngay", "nguoi_ky", "noi_nhan", "tac_gia", "allow_errors")}
        style = values["style"] if values["style"] in ("bao-cao", "tin-bai") else "bao-cao"
        recipients = tuple(line.strip() for line in values["noi_nhan"].splitlines() if line.strip())
        stem = s.rollup_path.name.removesuffix("_tong-hop.xlsx") + "_" + style

        def draft():
            report = app.draft_report(
                s.rollup_path, style, allow_errors=bool(values["allow_errors"]), lang=lang,
                so=values["so"] or None, ngay=values["ngay"] or None,
                nguoi_ky=values["nguoi_ky"] or None, noi_nhan=recipients or None,
                tac_gia=values["tac_gia"] or None)
            paths = app.write_report(report, s.outputs / f"{stem}.docx",
                                     text=s.outputs / f"{stem}.md", force=True)
            return report, paths

        try:
            s.report, s.report_paths = await run_in_threadpool(draft)
        except KhError as exc:
            s.report, s.report_paths = None, []
            # The library's wording names its argument (allow_errors=True); the page names its box.
            message = text("report_has_errors", lang, count=exc.params["count"]) \
                if isinstance(exc, ReportHasErrors) else s.plain(exc.message(lang))
            return self.page(request, "report.html", status=400, s=s, step="report",
                             values=values, preview=None, message=message)
        return self.page(request, "report.html", s=s, step="report", values=values,
                         preview=report_html(s.report.markdown()), message=None)

    async def report_file(self, request: Request) -> Response:
        s = self.session(request)
        suffix = "." + request.path_params["kind"]
        path = next((p for p in s.report_paths if p.suffix == suffix), None)
        if path is None:
            return self.error(request, text("not_found", lang_of(request)), 404)
        return FileResponse(path, filename=path.name)


def _sub(s: Session, path: Path):
    return next((r.submission for r in s.receipt.result.files if r.path == str(path)), None)


def _download(data: bytes, name: str, media: str) -> Response:
    return Response(data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def _guarded(web: Web, handler, needs_session: bool):
    """The handler, with an unknown session answered by a page and every failure kept from
    stopping the server: a library error is its message, anything else a short notice."""
    @functools.wraps(handler)
    async def run(request: Request) -> Response:
        lang = lang_of(request)
        if needs_session and web.session(request) is None:
            return web.error(request, text("not_found", lang), 404)
        try:
            return await handler(request)
        except KhError as exc:
            s = web.session(request)
            message = s.plain(exc.message(lang)) if s else exc.message(lang)
            return web.error(request, message)
        except Exception as exc:  # noqa: BLE001 - the page stays up, whatever happened
            if web.debug:
                traceback.print_exc()
            return web.error(request, text("unexpected", lang, what=type(exc).__name__), 500)
    return run


def _refuse(web: Web):
    def refuse(scope, reason: str) -> Response:
        request = Request(scope)
        lang = lang_of(request)
        host = request.headers.get("host", "")
        message = text("refused_host", lang, host=host[:80]) if reason == "host" \
            else text("refused_token", lang)
        return HTMLResponse(web.templates.get_template("refused.html").render(
            t=text, lang=lang, message=message), status_code=403)
    return refuse


def make_app(root: Path, *, token: str, port: int, debug: bool = False) -> Guard:
    """The ASGI application of one server run, behind its guard."""
    web = Web(root, debug)
    pages = [
        ("/", web.home, ["GET"], False),
        ("/api/units", web.units, ["GET"], False),
        ("/w", web.open_session, ["POST"], False),
        ("/w/{sid}", web.workspace, ["GET"], True),
        ("/w/{sid}/bieu-mau.zip", web.forms_zip, ["GET"], True),
        ("/w/{sid}/upload", web.upload, ["POST"], True),
        ("/w/{sid}/read", web.read, ["POST"], True),
        ("/w/{sid}/progress", web.progress, ["GET"], True),
        ("/w/{sid}/remove", web.remove, ["POST"], True),
        ("/w/{sid}/tra-lai/{fid:int}", web.copy, ["GET"], True),
        ("/w/{sid}/tra-lai.zip", web.copies_zip, ["GET"], True),
        ("/w/{sid}/tong-hop", web.rollup_page, ["GET"], True),
        ("/w/{sid}/tong-hop", web.rollup, ["POST"], True),
        ("/w/{sid}/tong-hop.xlsx", web.rollup_file, ["GET"], True),
        ("/w/{sid}/bao-cao", web.report_page, ["GET"], True),
        ("/w/{sid}/bao-cao", web.report, ["POST"], True),
        ("/w/{sid}/bao-cao.{kind:str}", web.report_file, ["GET"], True),
    ]
    routes = [Route(path, _guarded(web, handler, needs), methods=methods)
              for path, handler, methods, needs in pages]
    routes.append(Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"))

    async def not_found(request: Request, exc) -> Response:
        return web.error(request, text("not_found", lang_of(request)), 404)

    starlette = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
    starlette.state.web = web
    return Guard(starlette, token=token, port=port, refuse=_refuse(web))
