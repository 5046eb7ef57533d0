"""Body text (issue 12, item 10): e-mail addresses and URLs that fit on a line
are never split, one longer than a line breaks only after / or .; a number
keeps its unit (2035年).  Read back from the PDF; the e-mail and URL lines
also from LibreOffice's rendering of the DOCX."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_generate, unspace, write_yaml
from librender import render
from test_docx import pages_lines

BASE = "为贯彻落实知识产权强国建设纲要和知识产权强省建设部署要求全面推进"
MAIL = "zhishichanquan@zblz.gov.cn"
URL = "https://www.zblz-example.gov.cn/zscq/2024/notice/intellectual-property-week-activities.html"
UNITS = ["2035年", "86家", "1260件", "3.5万元", "12号"]


def _notice() -> str:
    paras = []
    for k in range(14, 28):                 # each place of the line end in turn
        unit = UNITS[k % len(UNITS)]
        paras.append(f"{BASE[:k]}到{unit}基本建成知识产权强区，联系邮箱{MAIL}。")
    for k in range(0, 24, 4):
        paras.append(f"{BASE[:k]}详见网站{URL}的通知，或发邮件至zd@example.gov.cn咨询。")
    body = "".join(f"  {p}\n" for p in paras)
    return ("发文机关标志: 淄博市临淄区市场监督管理局文件\n发文字号: 临市监发〔2024〕7号\n"
            "标题: 关于做好知识产权工作的通知\n主送机关: 各有关单位\n正文: |\n" + body
            + "发文机关署名: 淄博市临淄区市场监督管理局\n成文日期: 2024-03-05\n")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("body")
    src = write_yaml(d, _notice(), "breaks.yaml")
    r = run_generate(str(src), "--out", str(d / "out"))
    assert r.returncode == 0, r.stderr
    out = {p.suffix[1:]: p for p in (d / "out").iterdir()}
    out["lo"] = render([out["docx"]], d / "lo")["breaks"]
    return out


def body_lines(path: Path) -> list[str]:
    return [unspace(t) for page in pages_lines(path) for _, t, _ in page
            if not t.startswith("—") and ("。" in t or len(t) > 10 or "@" in t or "/" in t)]


def _breaks_inside(lines: list[str], token: str) -> list[str]:
    """The line ends that fall inside an occurrence of token."""
    text, ends, n = "", [], 0
    for ln in lines:
        text += ln
        n += len(ln)
        ends.append(n)
    out = []
    for m in re.finditer(re.escape(token), text):
        out += [text[m.start():e] + "|" + text[e:m.end()] for e in ends if m.start() < e < m.end()]
    return out


def test_number_keeps_its_unit(files):
    lines = body_lines(files["pdf"])
    for unit in UNITS:
        assert not _breaks_inside(lines, unit), unit
    # the Chinese–Latin space is kept inside the group (2035 年, as elsewhere)
    assert any("2035年" in ln for ln in lines)


@pytest.mark.parametrize("kind", ["pdf", "lo"])
def test_an_address_that_fits_is_never_split(files, kind):
    lines = body_lines(files[kind])
    assert sum(MAIL in ln for ln in lines) == 14
    assert not _breaks_inside(lines, MAIL) and not _breaks_inside(lines, "zd@example.gov.cn")


def test_a_url_longer_than_the_line_breaks_after_slash_or_dot(files):
    lines = body_lines(files["pdf"])
    cuts = _breaks_inside(lines, URL)
    assert len(cuts) >= 6, "each URL is longer than a line"
    for c in cuts:
        assert c.split("|")[0][-1] in "/.", c


def test_docx_breaks_the_addresses_alike(files):
    """LibreOffice keeps e-mail addresses whole as the layout does (it used to
    break them after a dot where a line would gape)."""
    pdf, lo = body_lines(files["pdf"]), body_lines(files["lo"])
    mail_pdf = [ln for ln in pdf if MAIL in ln]
    mail_lo = [ln for ln in lo if MAIL in ln]
    assert len(mail_pdf) == 14 and mail_pdf == mail_lo
