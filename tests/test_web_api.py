"""The HTTP API of `generate.py serve`, against a real server process."""
from __future__ import annotations

import concurrent.futures as cf
import os
import re
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SEED_TEXT, run_generate
from webserve import Server, seed_folder

SEED = "linzi-ip-week-2023.yaml"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    folder, build = seed_folder(tmp)
    (tmp / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nsecret, outside the folder")
    srv = Server(folder, build)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def seed_text(server) -> str:
    return (server.folder / SEED).read_text(encoding="utf-8")


def post(server, path: str, body, **kw) -> httpx.Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return httpx.post(server.url + path.lstrip("/"), content=data, timeout=60, **kw)


def _svg_lines(svg: str) -> list[str]:
    """The text lines of one preview page: <text> runs grouped by baseline, left to right."""
    lines: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text x="([^"]+)" y="([^"]+)"[^>]*?(?:transform="scale\(([^ ]+) 1\)")?[^>]*>([^<]*)</text>', svg):
        xs, y, scale, text = m.group(1), float(m.group(2)), float(m.group(3) or 1), m.group(4)
        text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        lines.setdefault(round(y, 1), []).append((float(xs.split()[0]) * scale, text))
    return ["".join(t for _, t in sorted(parts)).replace(" ", "") for _, parts in sorted(lines.items())]


def _pdf_lines(page) -> list[str]:
    rows: dict[float, list[tuple[float, str]]] = {}
    for ch in page.chars:
        rows.setdefault(round(ch["bottom"] * 25.4 / 72, 0), []).append((ch["x0"], ch["text"]))
    return ["".join(t for _, t in sorted(parts)).replace(" ", "") for _, parts in sorted(rows.items())]


def test_render_gives_pages_problems_and_the_pdfs_lines(server, seed_text, seed_pdf):
    r = post(server, f"/api/render?name={SEED}", seed_text)
    assert r.status_code == 200
    res = r.json()
    assert res["pages"] == 6 and len(res["preview"]["pages"]) == 6
    assert [p["page"] for p in res["preview"]["pages"]] == [1, 2, 3, 4, 5, 6]
    warning = next(p for p in res["problems"] if p["field"] == "印发日期")
    assert set(warning) >= {"line", "field", "message", "hint", "severity"}
    assert warning["severity"] == "warning" and warning["line"] == 61 and "早于成文日期" in warning["message"]
    # the preview shows the PDF's lines, page by page (the same layout drew both)
    for page, pdf_page in zip(res["preview"]["pages"], seed_pdf.pages):
        svg, pdf = _svg_lines(page["svg"]), _pdf_lines(pdf_page)
        assert len(svg) == len(pdf), (page["page"], svg, pdf)
        assert svg == pdf, page["page"]
    assert res["fields"]["发文字号"] == "临知联办字〔2023〕3号"


def test_fonts_the_preview_names_are_served(server, seed_text):
    res = post(server, f"/api/render?name={SEED}", seed_text).json()
    for key in res["preview"]["fonts"]:
        r = httpx.get(server.url + f"fonts/{key}", timeout=30)
        assert r.status_code == 200 and r.content[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO")
    assert httpx.get(server.url + "fonts/nope", timeout=10).status_code == 404


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_downloads_are_the_clis_bytes(server, seed_text, seed_outputs, fmt):
    r = post(server, f"/api/{fmt}?name={SEED}", seed_text)
    assert r.status_code == 200
    assert r.content == seed_outputs[fmt].read_bytes()
    assert r.headers["content-disposition"].endswith("filename*=UTF-8''linzi-ip-week-2023." + fmt)


def test_a_rare_character_of_an_earlier_edit_stays_out_of_the_pdf(server, seed_text, tmp_path):
    """The server's font book outlives each document: a rare character typed
    (and deleted) earlier must not change the fallback subset of the next
    document — the download is still the CLI's bytes."""
    from test_fonts import needs_noto
    if needs_noto.args[0]:
        pytest.skip(needs_noto.kwargs["reason"])
    earlier = seed_text.replace("知识产权宣传周", "知识产权宣传周（堃）")
    assert post(server, f"/api/render?name={SEED}", earlier).json()["pages"] == 6
    now = seed_text.replace("2023年4月20日至26日", "2023年4月20日至26日（䶮）", 1)
    assert post(server, f"/api/render?name={SEED}", now).status_code == 200
    r = post(server, f"/api/pdf?name={SEED}", now)
    assert r.status_code == 200
    data = tmp_path / SEED
    data.write_text(now, encoding="utf-8")
    assert run_generate(str(data), "--out", str(tmp_path / "cli"), "--formats", "pdf").returncode == 0
    assert r.content == (tmp_path / "cli" / SEED.replace(".yaml", ".pdf")).read_bytes()


@pytest.mark.parametrize("endpoint", ["pdf", "docx"])
def test_bad_data_is_422_with_the_problems(server, seed_text, endpoint):
    bad = seed_text.replace("成文日期: 2023年4月18日", "成文日期: 2023-02-30")
    r = post(server, f"/api/{endpoint}?name={SEED}", bad)
    assert r.status_code == 422
    p = next(p for p in r.json()["problems"] if p["field"] == "成文日期")
    assert p["message"] == "日期“2023-02-30”不存在。" and p["severity"] == "error" and p["line"]


def test_render_of_bad_data_reports_at_the_field(server, seed_text):
    bad = seed_text.replace("成文日期: 2023年4月18日", "成文日期: 2023-02-30")
    res = post(server, f"/api/render?name={SEED}", bad).json()
    assert res["ok"] is False and res["preview"] is None
    p = next(p for p in res["problems"] if p["field"] == "成文日期")
    assert "不存在" in p["message"] and p["hint"] == "写成真实的日期，例如 2023-04-18"
    # the same words as the CLI
    path = server.folder / "bad-date.yaml"
    path.write_text(bad, encoding="utf-8")
    try:
        out = run_generate("check", str(path)).stdout
    finally:
        path.unlink()
    assert p["message"] in out and p["hint"] in out


def test_foreign_origin_and_host_are_refused(server, seed_text):
    r = post(server, "/api/render", seed_text, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "别的网页" in r.json()["error"]
    r = post(server, "/api/pdf", seed_text, headers={"Origin": f"http://127.0.0.1:{server.port + 1}"})
    assert r.status_code == 403
    r = httpx.get(server.url + "api/info", headers={"Host": f"evil.example:{server.port}"}, timeout=10)
    assert r.status_code == 403
    r = post(server, "/api/render", seed_text, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    ok = post(server, "/api/render", seed_text, headers={"Origin": f"http://127.0.0.1:{server.port}"})
    assert ok.status_code == 200


def test_bodies_over_5_mb_are_413(server):
    big = b"#" * (5 * 1024 * 1024 + 1)
    for path in ("/api/render", "/api/pdf", "/api/docx", "/api/save?name=x.yaml", "/api/import?name=x.docx"):
        r = post(server, path, big)
        assert r.status_code == 413, path
        assert "5 MB" in r.json()["error"]
    # a chunked body without Content-Length is cut off as it streams
    def chunks():
        for _ in range(6):
            yield b"#" * (1024 * 1024)
    r = httpx.post(server.url + "api/render", content=chunks(), timeout=60)
    assert r.status_code == 413
    assert not (server.folder / "x.yaml").exists()


# as they stand in the query string (percent-encoded already)
@pytest.mark.parametrize("query", ["../x.yaml", "..%2Fx.yaml", "%2e%2e%2fx.yaml", "../../etc/passwd", "/etc/passwd",
                                   "%2Fetc%2Fpasswd", "a/../../x.yaml", "~/x.yaml", "x.txt", "sub%5C..%5C..%5Cx.yaml",
                                   "x%00.yaml"])
def test_path_traversal_in_names_is_refused(server, seed_text, query):
    for method, path in (("post", "/api/save"), ("post", "/api/render"), ("get", "/api/open"),
                         ("get", "/api/history"), ("get", "/api/diff"), ("post", "/api/pdf"),
                         ("post", "/api/import")):
        if path == "/api/import" and query == "x.txt":
            continue                         # a draft's name, rightly: no folder in it
        url = server.url + path.lstrip("/") + "?name=" + query
        r = (httpx.post(url, content=seed_text.encode(), timeout=30) if method == "post"
             else httpx.get(url, timeout=30))
        assert r.status_code in (403, 404), (path, query, r.status_code)
    assert not (server.folder.parent / "x.yaml").exists() and not (server.folder.parent / "x.txt").exists()


def test_files_outside_the_folder_are_never_read(server, seed_text):
    outside = server.folder.parent / "secret.png"
    for path in ("../secret.png", str(outside), "../../../../etc/passwd"):
        r = httpx.get(server.url + "api/file", params={"path": path}, timeout=10)
        assert r.status_code == 403, path
        r = httpx.get(server.url + "api/external", params={"path": path, "index": 0}, timeout=10)
        assert r.status_code == 403, path
    # a link inside the folder pointing out of it
    link = server.folder / "link.png"
    link.symlink_to(outside)
    try:
        assert httpx.get(server.url + "api/file", params={"path": "link.png"}, timeout=10).status_code == 403
        # data naming a file outside: refused by the reader, at the field, nothing of it read
        for seal in ("../secret.png", str(outside), "link.png"):
            res = post(server, f"/api/render?name={SEED}", seed_text.replace("印章: true", f"印章: {seal}")).json()
            p = next(p for p in res["problems"] if p["field"] == "印章")
            assert "不在文件夹" in p["message"], seal
        att = seed_text + "附件:\n  - 名称: 外面的\n    文件: ../../x.pdf\n"
        res = post(server, f"/api/render?name={SEED}", att).json()
        assert any(p["field"] == "附件" and "不在文件夹" in p["message"] for p in res["problems"])
    finally:
        link.unlink()


def test_twenty_concurrent_renders_each_get_their_own_answer(server, seed_text):
    def one(i: int):
        text = seed_text.replace("关于开展全区知识产权宣传周活动的通知", f"关于开展第{i}次宣传活动的通知")
        r = post(server, f"/api/render?name={SEED}", text)
        return i, r.status_code, r.json()

    with cf.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, range(1, 21)))
    for i, status, res in results:
        assert status == 200 and res["pages"] >= 5
        first = _svg_lines(res["preview"]["pages"][0]["svg"])
        assert f"关于开展第{i}次宣传活动的通知" in first, (i, first)
    assert server.alive()


def test_bad_requests_never_stop_the_server(server):
    for body in (b"\xff\xfe\x00garbage", b"", b"- a\n- b\n", b"a: [", "正文: |\n  x\n".encode()):
        r = post(server, "/api/render", body)
        assert r.status_code == 200 and r.json()["problems"], body
    r = post(server, "/api/edit", b"not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["error"]
    r = httpx.get(server.url + "api/external", params={"path": "x.pdf", "index": "a"}, timeout=10)
    assert r.status_code == 400
    r = httpx.get(server.url + "api/nothing", timeout=10)
    assert r.status_code == 404
    assert httpx.get(server.url + "api/info", timeout=10).status_code == 200 and server.alive()


def test_edit_rewrites_only_the_edited_key(server, seed_text):
    r = post(server, f"/api/edit?name={SEED}", __import__("json").dumps(
        {"yaml": seed_text, "edits": {"标题": "关于新的通知", "抄送机关": ["区委办公室", "区政府办公室"]}}),
        headers={"Content-Type": "application/json"})
    assert r.status_code == 200
    new = r.json()["yaml"]
    assert "标题: 关于新的通知\n" in new and "抄送机关:\n  - 区委办公室\n  - 区政府办公室\n" in new
    assert new.replace("标题: 关于新的通知\n", "").replace("抄送机关:\n  - 区委办公室\n  - 区政府办公室\n", "") == \
        re.sub(r"标题: \|\n(  .*\n)+", "", seed_text)
    assert r.json()["render"]["fields"]["标题"] == "关于新的通知"


def test_save_archives_versions_with_history_and_diff(server, seed_text):
    name = "saved-notice.yaml"
    r = post(server, "/api/save", seed_text, params={"name": name})
    assert r.status_code == 200 and r.json()["archived"] and r.json()["version"] == 1
    assert (server.folder / name).read_text(encoding="utf-8") == seed_text
    changed = seed_text.replace("2023年4月20日至26日", "2023年4月21日至27日")
    r = post(server, "/api/save", changed, params={"name": name, "reason": "更正活动时间"})
    res = r.json()
    assert res["version"] == 2 and any("新版本 v2" in m and "原因：更正活动时间" in m for m in res["messages"])
    h = httpx.get(server.url + "api/history", params={"name": name}, timeout=30).json()
    assert [v["version"] for v in h["versions"]] == [1, 2] and "原因：更正活动时间" in h["lines"][-1]
    d = httpx.get(server.url + "api/diff", params={"name": name}, timeout=30).json()
    assert any("2023年4月20日至26日" in l and "2023年4月21日至27日" in l for l in d["lines"])
    # the CLI reads the same archive
    cli = run_generate("history", str(server.folder / name), "--archive", str(server.build))
    assert "共 2 个版本" in cli.stdout
    # unchanged data: no new version
    r = post(server, "/api/save", changed, params={"name": name})
    assert r.json()["version"] == 2 and r.json()["new"] is False
    # bad data: the file is saved (the clerk's work kept), nothing archived
    bad = changed.replace("成文日期: 2023年4月18日", "成文日期: 2023-02-30")
    res = post(server, "/api/save", bad, params={"name": name}).json()
    assert res["saved"] and not res["archived"] and any(p["field"] == "成文日期" for p in res["problems"])
    assert len(httpx.get(server.url + "api/history", params={"name": name}, timeout=30).json()["versions"]) == 2


def test_open_new_and_files(server):
    info = httpx.get(server.url + "api/info", timeout=10).json()
    assert SEED in info["files"] and "通知" in info["kinds"]
    r = httpx.get(server.url + "api/open", params={"name": SEED}, timeout=10).json()
    assert r["yaml"] == (server.folder / SEED).read_text(encoding="utf-8")
    r = httpx.get(server.url + "api/new", params={"kind": "请示", "organ": "某县人民政府"}, timeout=10).json()
    assert "签发人" in r["yaml"] and "某县人民政府" in r["yaml"]
    r = httpx.get(server.url + "api/new", params={"kind": "没有"}, timeout=10)
    assert r.status_code == 422 and "没有“没有”这个文种" in r.json()["error"]


@pytest.mark.filterwarnings("ignore:Using `httpx`")
def test_internal_error_is_500_in_chinese_and_logged(monkeypatch, caplog):
    from starlette.testclient import TestClient
    from gongwen.web import app as webapp, service
    from gongwen.web.service import Folder

    def broken(*a, **k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(service, "render", broken)
    app = webapp.create_app(Folder(ROOT / "data", ROOT / "build"), 8704)
    with TestClient(app, base_url="http://127.0.0.1:8704", raise_server_exceptions=False) as client:
        r = client.post("/api/render", content=b"x: 1")
        assert r.status_code == 500
        assert r.json()["error"].startswith("内部错误（ZeroDivisionError: boom）")
        assert client.get("/api/info").status_code == 200
    assert any("内部错误" in rec.getMessage() for rec in caplog.records)


def test_port_in_use_takes_the_next_one(server, tmp_path):
    from gongwen.web import bind
    s = bind(None)
    try:
        assert s.getsockname()[0] == "127.0.0.1" and 8704 <= s.getsockname()[1] < 8804
    finally:
        s.close()
    with pytest.raises(OSError, match="已被占用"):
        bind(server.port)


def test_import_a_draft_as_the_cli_does(server, tmp_path):
    """导入草稿: the draft's bytes with its name → the data file's text that
    `generate.py import` writes, and the same report; nothing is written."""
    raw = SEED_TEXT.read_bytes()
    before = sorted(p.name for p in server.folder.iterdir())
    r = post(server, "/api/import", raw, params={"name": SEED_TEXT.name})
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["ok"] and res["name"] == SEED_TEXT.stem + ".yaml" and res["draft"] == SEED_TEXT.name
    cli_out = tmp_path / res["name"]
    cli = run_generate("import", str(SEED_TEXT), "-o", str(cli_out))
    assert cli.returncode == 0, cli.stderr
    assert res["yaml"] == cli_out.read_text(encoding="utf-8")
    # the report: the CLI's lines but the first (which names where the CLI wrote)
    report = res["report"]
    assert report["lines"][1:] == cli.stderr.splitlines()[1:len(report["lines"])]
    assert report["lines"][0].startswith(f"导入草稿“{SEED_TEXT.name}”（文字稿，UTF-8编码，115 行） → {res['name']}")
    assert "  标题（第 9 行）：临淄区知识产权联席会议办公室关于开展全区知识产权宣传周活动的通知（分 2 行）" in report["lines"]
    assert "  成文日期（第 105 行）：2023年4月18日" in report["lines"]
    assert report["unsure"] == [] and report["missing"] == []
    assert sorted(p.name for p in server.folder.iterdir()) == before       # nothing written
    # the imported text renders: the seed's six pages, checked at its fields
    rendered = post(server, f"/api/render?name={res['name']}", res["yaml"]).json()
    assert rendered["pages"] == 6 and rendered["fields"]["发文字号"] == "临知联办字〔2023〕3号"
    assert any(p["field"] == "印发日期" and "早于成文日期" in p["message"] for p in rendered["problems"])
    # a name already in the folder is not offered again: saving never overwrites
    res2 = post(server, "/api/import", raw, params={"name": "linzi-ip-week-2023.txt"}).json()
    assert res2["name"] == "linzi-ip-week-2023-2.yaml"


def test_import_of_a_docx_and_what_it_is_unsure_of(server, seed_outputs):
    """A Word draft (the CLI's own DOCX of the seed) imports through the same code."""
    raw = seed_outputs["docx"].read_bytes()
    res = post(server, "/api/import", raw, params={"name": "通知.docx"}).json()
    assert res["ok"] and res["name"] == "通知.yaml"
    assert res["report"]["lines"][0].startswith("导入草稿“通知.docx”（Word/WPS 文档")
    assert "发文字号: 临知联办字〔2023〕3号" in res["yaml"]
    # a draft missing its title: the report says what to check, in Chinese
    text = "各单位：\n请做好准备工作。\n某县人民政府\n2024年8月20日\n".encode("utf-8")
    res = post(server, "/api/import", text, params={"name": "草稿.txt"}).json()
    assert res["ok"] and "标题" in res["report"]["missing"]
    assert any("草稿里没有找到标题" in u for u in res["report"]["unsure"])


@pytest.mark.parametrize("name, body, status, words", [
    ("通知.pdf", b"%PDF-1.7 ...", 422, "不是能导入的草稿"),
    ("通知.docx", b"PK\x03\x04 not really a zip", 422, ""),
    ("通知.txt", b"", 422, ""),
    ("", b"x", 400, "没有草稿的文件名"),
    ("../通知.txt", "标题: x".encode(), 403, "不带文件夹"),
    ("a\\b.txt", b"x", 403, "不带文件夹"),
])
def test_import_refusals(server, name, body, status, words):
    r = post(server, "/api/import", body, params={"name": name} if name else {})
    assert r.status_code == status, r.text
    j = r.json()
    assert j["error"] and re.search("[\u4e00-\u9fff]", j["error"]) and words in j["error"]
    if status == 422 and "problems" in j:
        assert all(p["message"] for p in j["problems"])
    assert server.alive()


def test_import_is_refused_from_another_origin_and_over_5_mb(server):
    raw = SEED_TEXT.read_bytes()
    r = post(server, "/api/import", raw, params={"name": "a.txt"}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = httpx.post(server.url + "api/import", params={"name": "a.txt"}, content=raw, timeout=30,
                   headers={"Host": f"evil.example:{server.port}"})
    assert r.status_code == 403
    r = post(server, "/api/import", b"x" * (5 * 1024 * 1024 + 1), params={"name": "a.docx"})
    assert r.status_code == 413 and "5 MB" in r.json()["error"] and "图片" in r.json()["hint"]
