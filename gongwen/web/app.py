"""The HTTP side of the web page (Starlette): routes, the guard against other
origins, body limits, and errors as JSON in Chinese.  The work is in service.py."""
from __future__ import annotations

import json
import logging
import urllib.parse
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import GongwenError
from ..newdoc import KINDS
from ..yamlsource import decode
from . import service
from .service import Folder, Refused
from .yamledit import apply_edits

MAX_BODY = 5 * 1024 * 1024
STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("gongwen.web")


def internal_error_message(e: BaseException) -> str:
    """The CLI's words for a bug of ours."""
    return (f"内部错误（{type(e).__name__}: {e}），未生成任何文件。请把数据文件和这行信息发给维护者；"
            "设置 GONGWEN_DEBUG=1 可看到详细信息。")


def _error(status: int, message: str, hint: str = "", **extra) -> JSONResponse:
    return JSONResponse({"error": message, "hint": hint, **extra}, status_code=status)


class Guard:
    """ASGI middleware: only this machine's own page may drive the server.  A
    request whose Host is not ours (DNS rebinding) or whose Origin is another
    site's is refused with 403; a body over MAX_BODY with 413."""

    def __init__(self, app, port: int):
        self.app = app
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{h}" for h in self.hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        origin = headers.get("origin")
        if host not in self.hosts:
            return await _error(403, "拒绝：请求的主机名不是本机的这个页面。",
                                f"在本机浏览器打开 http://127.0.0.1:{host.rpartition(':')[2] or ''}")(scope, receive, send)
        if (origin is not None and origin not in self.origins) or headers.get("sec-fetch-site") == "cross-site":
            return await _error(403, "拒绝：请求来自别的网页，不是本机的公文页面。")(scope, receive, send)
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            hint = "草稿里图片多时，先在 Word 里删去图片再导入" if scope.get("path") == "/api/import" else ""
            return await _error(413, f"内容过大（{length / 1048576:.1f} MB），最多 5 MB。", hint)(scope, receive, send)
        return await self.app(scope, receive, send)


async def _body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise Refused(413, "内容过大，最多 5 MB。")
        chunks.append(chunk)
    return b"".join(chunks)


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await _body(request) or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "请求的内容不是 JSON。")
    if not isinstance(data, dict):
        raise Refused(400, "请求的内容应是一个 JSON 对象。")
    return data


def _q(request: Request, key: str) -> str | None:
    return request.query_params.get(key)


def create_app(folder: Folder, port: int) -> Starlette:
    routes = [*_document_routes(folder), *_render_routes(folder), *_archive_routes(folder),
              Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static")]
    handlers: dict[Any, Any] = {Refused: _refused, Exception: _crashed}     # Starlette types a handler by Exception
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.add_middleware(Guard, port=port)
    return app


async def _refused(request: Request, exc: Refused):
    return _error(exc.status, exc.message, exc.hint)


async def _crashed(request: Request, exc: Exception):
    log.exception("内部错误：%s %s", request.method, request.url.path)
    return _error(500, internal_error_message(exc))


def _document_routes(folder: Folder) -> list[Route]:
    """The page, the folder's data files, a file opened, a skeleton."""
    async def index(request: Request):
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-store"})

    async def api_info(request: Request):
        return JSONResponse({"folder": str(folder.root), "build": str(folder.build), "kinds": list(KINDS),
                             "files": folder.data_files(), "import": _import_available()})

    async def api_files(request: Request):
        return JSONResponse({"files": folder.data_files()})

    async def api_open(request: Request):
        path = folder.data_path(_q(request, "name"), must_exist=True)
        raw = path.read_bytes()
        if len(raw) > MAX_BODY:
            raise Refused(413, "文件过大，最多 5 MB。")
        try:
            text = decode(raw, path)
        except Exception as e:
            if isinstance(e, GongwenError):
                raise Refused(422, e.problems[0].message, e.problems[0].hint)
            raise
        return JSONResponse({"name": path.relative_to(folder.root).as_posix(), "yaml": text})

    async def api_new(request: Request):
        return JSONResponse({"yaml": service.new_document(_q(request, "kind") or "", _q(request, "organ") or "")})

    return [Route("/", index), Route("/api/info", api_info), Route("/api/files", api_files),
            Route("/api/open", api_open), Route("/api/new", api_new)]


def _render_routes(folder: Folder) -> list[Route]:
    """The preview (of the text, or of the form's edits applied) and the PDF/DOCX downloads."""
    def image_href(path: Path) -> str:
        return "/api/file?path=" + urllib.parse.quote(_rel(path))

    def external_href(path: Path, index: int) -> str:
        return f"/api/external?path={urllib.parse.quote(_rel(path))}&index={index}"

    def _rel(path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(folder.root).as_posix()
        except ValueError:
            return str(path)

    async def api_render(request: Request):
        body = await _body(request)
        return JSONResponse(await _threaded(service.render, folder, body, _q(request, "name"),
                                            image_href, external_href))

    async def api_edit(request: Request):
        """{yaml, edits: {key: value}} → {yaml} with those keys rewritten, and the render of it."""
        data = await _json(request)
        text, edits = data.get("yaml", ""), data.get("edits") or {}
        if not isinstance(text, str) or not isinstance(edits, dict):
            raise Refused(400, "请求应为 {yaml: 文字, edits: {项: 值}}。")
        try:
            new = apply_edits(text, edits)
        except GongwenError as e:
            return JSONResponse({"yaml": None, "problems": [service.problem_json(p) for p in e.problems]},
                                status_code=422)
        result = await _threaded(service.render, folder, new.encode("utf-8"), _q(request, "name"),
                                 image_href, external_href)
        return JSONResponse({"yaml": new, "render": result})

    def _download(fmt: str):
        async def handler(request: Request):
            body = await _body(request)
            name = _q(request, "name")
            data, problems = await _threaded(service.outputs, folder, body, name, fmt)
            if data is None:
                return JSONResponse({"error": "数据有错误，未生成文件。",
                                     "problems": [service.problem_json(p) for p in problems]}, status_code=422)
            stem = Path(name or "未命名.yaml").stem
            media = "application/pdf" if fmt == "pdf" else \
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            quoted = urllib.parse.quote(f"{stem}.{fmt}")
            return Response(data, media_type=media, headers={
                "Content-Disposition": f"attachment; filename=\"document.{fmt}\"; filename*=UTF-8''{quoted}"})
        return handler

    return [Route("/api/render", api_render, methods=["POST"]), Route("/api/edit", api_edit, methods=["POST"]),
            Route("/api/pdf", _download("pdf"), methods=["POST"]),
            Route("/api/docx", _download("docx"), methods=["POST"])]


def _archive_routes(folder: Folder) -> list[Route]:
    """Saving and archiving, history and diff, the seal images, 附件 pages and fonts the
    preview shows, draft import."""
    async def api_save(request: Request):
        body = await _body(request)
        name = _q(request, "name")
        if not name:
            raise Refused(400, "请先给文件起个名字。", "例如 通知-2024-1.yaml")
        return JSONResponse(await _threaded(service.save, folder, body, name, _q(request, "reason")))

    async def api_history(request: Request):
        return JSONResponse(await _threaded(service.history, folder, _q(request, "name")))

    async def api_diff(request: Request):
        return JSONResponse(await _threaded(service.diff, folder, _q(request, "name"), _q(request, "a"),
                                            _q(request, "b")))

    async def api_file(request: Request):
        path = folder.file_path(_q(request, "path") or "")
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise Refused(403, "只提供印章和签名章图片。")
        return FileResponse(path)

    async def api_external(request: Request):
        try:
            index = int(_q(request, "index") or "0")
        except ValueError:
            raise Refused(400, "页码不对。")
        path = folder.file_path(_q(request, "path") or "")
        if path.suffix.lower() != ".pdf":
            raise Refused(403, "只提供附件 PDF 的页面。")
        return Response(await _threaded(service.external_png, folder, str(path), index), media_type="image/png")

    async def font(request: Request):
        key = request.path_params["key"]
        data = await _threaded(service.font_bytes, key)
        return Response(data, media_type="font/ttf", headers={"Cache-Control": "max-age=86400"})

    async def api_import(request: Request):
        """The draft's bytes as the body, its file name in ?name= → the data file's
        text, a name for it, and the import report (422 when it cannot be imported)."""
        body = await _body(request)
        result = await _threaded(service.import_draft, folder, body, _q(request, "name"))
        return JSONResponse(result, status_code=200 if result["ok"] else 422)

    return [Route("/api/save", api_save, methods=["POST"]), Route("/api/history", api_history),
            Route("/api/diff", api_diff), Route("/api/file", api_file), Route("/api/external", api_external),
            Route("/api/import", api_import, methods=["POST"]), Route("/fonts/{key}", font)]


async def _threaded(fn, *args):
    """Rendering is CPU work: off the event loop, so the server keeps answering."""
    return await run_in_threadpool(fn, *args)


def _import_available() -> bool:
    """Draft import is always there: python-docx and lxml are requirements (requirements.txt)."""
    return True
