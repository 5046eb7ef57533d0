"""Structural problems of the data file: each bad file gets a clear Chinese
error naming the file, the line (and column), the field and the fix; each
good variant reads into the Document the user meant."""
from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path

import pytest

from gongwen.errors import GongwenError
from gongwen.reader import read, read_string

OK = ("发文机关标志: 某某市人民政府办公室文件\n"
      "标题: 关于开展安全生产检查的通知\n"
      "正文: |\n"
      "  为做好安全生产工作，现通知如下。\n")


def problems_of(tmp_path: Path, content, name: str = "doc.yaml"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(GongwenError) as e:
        read(path)
    return e.value.problems, path


# (id, file content, field or None, line or None, column or None, words in message + hint)
BAD = [
    ("引号未闭合", '发文机关标志: 某局\n标题: "关于的通知\n正文: x\n', None, 2, None, ("引号", "没有闭合")),
    ("Tab缩进", "发文机关标志: 某局\n标题: 关于的通知\n正文:\n\t- x\n", None, 4, 1, ("制表符", "空格")),
    ("冒号未加引号", "发文机关标志: 某局\n标题: 关于的通知\n附注: 时间: 上午\n正文: x\n", None, 3, None, ("冒号", "引号")),
    ("全角冒号", "发文机关标志：某局\n标题：关于的通知\n正文：x\n", None, None, None, ("全角冒号", "半角")),
    ("全角冒号-一行", "发文机关标志: 某局\n标题：关于的通知\n正文: x\n", None, 2, None, ("全角冒号",)),
    ("缩进不齐", "发文机关标志: 某局\n标题: 关于的通知\n抄送机关:\n  - 甲\n - 乙\n正文: x\n", None, 5, None, ("缩进",)),
    ("方括号开头", "发文机关标志: 某局\n发文字号: [2023]3号\n标题: 关于的通知\n正文: x\n", None, 2, None,
     ("[", "引号")),
    ("方括号列表", "发文机关标志: 某局\n发文字号: [2023, 3]\n标题: 关于的通知\n正文: x\n", "发文字号", 2, None,
     ("应是一段文字", "列表")),
    ("两份文档", OK + "---\n标题: 又一份\n", None, 5, None, ("多份", "---")),
    ("未知字段", OK + "文号: 某发〔2023〕1号\n", "文号", 5, 1, ("不认识", "发文字号")),
    ("字段拼错", OK + "印发机光: 某局\n", "印发机光", 5, 1, ("不认识", "印发机关")),
    ("字段重复", OK + "标题: 另一个\n", "标题", 5, 1, ("两次",)),
    ("缺必填字段", "发文机关标志: 某局\n正文: x\n", "标题", None, None, ("缺少", "标题")),
    ("必填字段为空", "发文机关标志: 某局\n标题: \"  \"\n正文: x\n", "标题", 2, None, ("空",)),
    ("类型-列表", "发文机关标志: 某局\n标题:\n  - 甲\n  - 乙\n正文: x\n", "标题", 3, None, ("文字", "列表")),
    ("类型-映射", OK + "附注:\n  a: b\n", "附注", 6, None, ("文字", "映射")),
    ("类型-真假", OK + "主送机关: yes\n", "主送机关", 5, None, ("真假值",)),
    ("类型-正文数字列表", "发文机关标志: 某局\n标题: 关于的通知\n正文: [1, 2]\n", "正文", 3, None, ("文字",)),
    ("类型-印章", OK + "印章: 3\n", "印章", 5, None, ("true", "印章")),
    ("类型-附件", OK + "附件: {a: 1}\n", "附件", 5, None, ("列表",)),
    ("类型-变量", OK + "变量: [1, 2]\n", "变量", 5, None, ("映射",)),
    ("日期不存在-ISO", OK + "成文日期: 2023-02-30\n", "成文日期", 5, None, ("不存在", "2023-02-30")),
    ("日期不存在-中文", OK + "成文日期: 2023年2月29日\n", "成文日期", 5, None, ("不存在",)),
    ("日期无法识别", OK + "印发日期: 下周一\n", "印发日期", 5, None, ("无法识别", "2023年4月18日")),
    ("日期是数字", OK + "成文日期: 20230418\n", "成文日期", 5, None, ("无法识别", "20230418")),
    ("模板变量未定义", "发文机关标志: 某局\n标题: 关于的通知\n正文: |\n  第一段。\n  请{{ 单位名称 }}参加。\n",
     "正文", 5, None, ("单位名称", "没有定义", "变量")),
    ("模板语法错误", "发文机关标志: 某局\n标题: 关于的通知\n正文: |\n  第一段。\n  {% if 甲 %}参加。\n",
     "正文", 5, None, ("模板", "endif")),
    ("模板-属性访问", "发文机关标志: 某局\n标题: 关于的通知\n正文: |\n  {{ ''.__class__.__mro__ }}\n",
     "正文", 4, None, ("不允许",)),
    ("模板-巨大字符串", "发文机关标志: 某局\n标题: 关于的通知\n正文: |\n  {{ '啊' * 999999999 }}\n",
     "正文", 4, None, ("过长",)),
    ("模板-嵌套循环", "发文机关标志: 某局\n标题: 关于的通知\n正文: |\n"
     "  {% for a in range(999) %}{% for b in range(999) %}{% endfor %}{% endfor %}\n", "正文", 4, None, ("循环",)),
    ("模板-大range", "发文机关标志: 某局\n标题: 关于的通知\n正文: |\n  {% for a in range(10**9) %}x{% endfor %}\n",
     "正文", 4, None, ("range",)),
    ("模板-set", "发文机关标志: 某局\n标题: 关于的通知\n正文: |\n  {% set a = 1 %}\n", "正文", 4, None, ("set",)),
    ("模板-乘方", "发文机关标志: 某局\n标题: 关于的通知\n正文: |\n  {{ 9 ** 9 ** 9 }}\n", "正文", 4, None, ("乘方",)),
    ("模板-方法调用", "发文机关标志: 某局\n标题: 关于的通知\n正文: |\n  {{ '{0:>999999999}'.format(1) }}\n",
     "正文", 4, None, ("调用",)),
    ("模板-危险过滤器", "发文机关标志: 某局\n标题: 关于的通知\n正文: |\n  {{ 'x'|center(999999999) }}\n",
     "正文", 4, None, ("center",)),
    ("印章图片不存在", OK + "印章: seal.png\n", "印章", 5, None, ("seal.png", "不存在")),
    ("附件PDF不存在", OK + "附件:\n  - 名称: 检查表\n    文件: 检查表.pdf\n", "附件", 7, None, ("检查表.pdf", "不存在")),
    ("附件项拼错", OK + "附件:\n  - 名字: 检查表\n", "附件", 6, None, ("名字", "名称")),
    ("附件缺名称", OK + "附件:\n  - 内容: 表\n", "附件", 6, None, ("名称",)),
    ("附件内容与文件并存", OK + "附件:\n  - 名称: 表\n    内容: 甲\n    文件: a.pdf\n", "附件", 6, None, ("内容", "文件")),
    ("控制字符", "发文机关标志: 某局\n标题: 关于\x07的通知\n正文: x\n", None, 2, 7, ("控制字符", "U+0007")),
    ("非UTF8-GBK", "发文机关标志: 某局\n标题: 关于的通知\n正文: x\n".encode("gbk"), None, 1, 1, ("UTF-8", "GBK")),
    ("非UTF8-UTF16", "发文机关标志: 某局\n标题: 关于的通知\n".encode("utf-16"), None, None, None, ("UTF-16",)),
    ("非UTF8-UTF16无BOM", "发文机关标志: a\n".encode("utf-16-le"), None, None, None, ("UTF-16",)),
    ("二进制", bytes(range(256)) * 4, None, None, None, ("二进制",)),
    ("PDF当数据", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", None, None, None, ("PDF",)),
    ("DOCX当数据", b"PK\x03\x04\x14\x00\x06\x00", None, None, None, ("Word",)),
    ("空文件", b"", None, None, None, ("空",)),
    ("只有空白", b"  \n\n   \n", None, None, None, ("空",)),
    ("只有注释", "# 标题: 关于的通知\n", None, None, None, ("没有任何内容",)),
    ("顶层是列表", "- 标题\n- 正文\n", None, 1, None, ("字段: 内容",)),
    ("顶层是文字", "关于开展检查的通知\n", None, 1, None, ("字段: 内容",)),
    ("合并键", "a: &x {b: 1}\n<<: *x\n", None, 2, None, ("合并键",)),
    ("未定义引用", "发文机关标志: *x\n", None, 1, None, ("引用",)),
    ("自我引用", "a: &x [*x]\n", None, 1, None, ("嵌套过深",)),
    ("YAML标签", OK + "附注: !!python/object:os.system ls\n", None, 5, None, ("!!python/object:os.system", "不能用")),
    ("版式不认识", OK + "版式: 命令式\n", "版式", 5, None, ("命令式", "命令")),
    ("签名章不全", OK + "版式: 命令\n签名章:\n  职务: 市长\n", "签名章", None, None, ("姓名",)),
    ("签名章项拼错", OK + "签名章:\n  职务: 市长\n  名字: 张三\n", "签名章", 7, None, ("名字", "姓名")),
    ("签名章图片不存在", OK + "签名章:\n  职务: 市长\n  姓名: 张三\n  图片: sig.png\n", "签名章", 8, None,
     ("sig.png", "不存在")),
    ("日期汉字数字", OK + "成文日期: 二〇二三年四月十八日\n", "成文日期", 5, None, ("汉字数字", "2023年4月18日")),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_file_gets_clear_error(case, tmp_path):
    _, content, field, line, column, words = case
    problems, path = problems_of(tmp_path, content)
    hits = [p for p in problems if (field is None or p.field == field)
            and all(w in p.message + p.hint for w in words)]
    assert hits, "\n".join(p.format() for p in problems)
    p = hits[0]
    assert p.severity == "error"
    assert p.file == path
    if line is not None:
        assert p.line == line, p.format()
    if column is not None:
        assert p.column == column, p.format()
    text = p.format()
    assert text.startswith(str(path))
    assert len(text.splitlines()) <= 2
    assert any("\u4e00" <= ch <= "\u9fff" for ch in p.message)
    assert "Traceback" not in text and "Error" not in text


def test_every_problem_is_reported_at_once(tmp_path):
    text = ("发文机关标志: 某局\n标提: 关于的通知\n正文: |\n  请{{ 甲 }}参加。\n"
            "成文日期: 2023-02-30\n印章: seal.png\n")
    problems, _ = problems_of(tmp_path, text)
    lines = [p.line for p in problems]
    assert lines == sorted(lines)
    fields = {p.field for p in problems}
    assert {"标提", "标题", "正文", "成文日期", "印章"} <= fields


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(GongwenError) as e:
        read(tmp_path / "nope.yaml")
    assert "不存在" in e.value.problems[0].message
    with pytest.raises(GongwenError) as e:
        read(tmp_path)
    assert "文件夹" in e.value.problems[0].message


def test_too_big_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as f:
        f.write(OK.encode())
        f.seek(50 * 1024 * 1024)        # sparse: 50 MB on paper
        f.write(b"x")
    with pytest.raises(GongwenError) as e:
        read(path)
    assert "过大" in e.value.problems[0].message


# -- good variants -------------------------------------------------------

def test_bom_and_crlf_are_harmless(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + OK.replace("\n", "\r\n").encode("utf-8"))
    doc = read(path)
    assert doc.title == "关于开展安全生产检查的通知"
    assert doc.body[0].text == "为做好安全生产工作，现通知如下。"


def test_numbers_keep_the_digits_typed():
    doc = read_string(OK + "份号: 000010\n发文字号: 2023\n")
    assert doc.copy_number == "000010"         # YAML alone would read octal 8
    assert doc.doc_number == "2023"


def test_secrecy_with_star_is_split():
    doc = read_string(OK + "份号: \"000001\"\n密级: 机密★1年\n")
    assert (doc.secrecy, doc.secrecy_term) == ("机密", "1年")


@pytest.mark.parametrize("value,sealed", [("true", True), ("是", True), ("false", False), ("否", False)])
def test_seal_words(value, sealed):
    assert (read_string(OK + f"印章: {value}\n").seal is not None) == sealed


def test_dates_in_both_forms():
    doc = read_string(OK + "成文日期: 2023-04-18\n印发日期: 2023年04月20日\n")
    assert doc.date == dt.date(2023, 4, 18)
    assert doc.print_date == dt.date(2023, 4, 20)


def test_template_variables_fill_in():
    doc = read_string("发文机关标志: 某局\n标题: 关于召开{{ 会议 }}的通知\n正文: |\n"
                      "  {% for u in 单位 %}{{ u }}{% if not loop.last %}、{% endif %}{% endfor %}参加{{ 会议 }}。\n"
                      "变量:\n  会议: 安全生产会议\n  单位: [甲局, 乙局]\n")
    assert doc.title == "关于召开安全生产会议的通知"
    assert doc.body[0].text == "甲局、乙局参加安全生产会议。"


def test_special_format_fields():
    doc = read_string("版式: 纪要\n发文机关标志: 某某市人民政府常务会议纪要\n发文字号: 第3期\n"
                      "正文: |\n  会议研究了有关事项。\n出席:\n  - 张三\n  - 李四\n列席: 王五\n")
    assert doc.format == "纪要" and doc.title == ""
    assert doc.attendance == (("出席", "张三、李四"), ("列席", "王五"))
    doc = read_string("版式: 命令\n发文机关标志: 某某市人民政府令\n令号: 第12号\n正文: 现予公布。\n"
                      "签名章:\n  职务: 市长\n  姓名: 张三\n成文日期: 2024-03-01\n")
    assert (doc.format, doc.order_number) == ("命令", "第12号")
    assert (doc.signature_seal.title, doc.signature_seal.name, doc.signature_seal.image) == ("市长", "张三", None)
    assert read_string(OK + "版式: 函\n").format == "信函"
    assert read_string(OK).format == "文件"


def test_lines_of_fields_and_items():
    doc = read_string(OK + "抄送机关:\n  - 甲局\n  - 乙局\n附件:\n  - 名称: 表一\n  - 名称: 表二\n")
    assert doc.lines["标题"] == 2
    assert doc.lines["正文#"] == 4                     # a block's first text line
    assert doc.lines["抄送机关#2"] == 7
    assert doc.lines["附件#2.名称"] == 10
    assert doc.body[0].source_line == 4


def _png(path: Path) -> None:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00\xff" * 4 for _ in range(4))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 6, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_seal_image_checked(tmp_path):
    _png(tmp_path / "seal.png")
    (tmp_path / "doc.yaml").write_text(OK + "印章: seal.png\n", encoding="utf-8")
    assert read(tmp_path / "doc.yaml").seal.image == tmp_path / "seal.png"
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    problems, _ = problems_of(tmp_path, OK + "印章: broken.png\n")
    assert "损坏" in problems[0].message and problems[0].line == 5
    (tmp_path / "fake.png").write_text("not an image")
    problems, _ = problems_of(tmp_path, OK + "印章: fake.png\n")
    assert "不是真正的" in problems[0].message


def test_attached_pdf_checked(tmp_path):
    from reportlab.pdfgen.canvas import Canvas
    c = Canvas(str(tmp_path / "ok.pdf"))
    c.drawString(100, 100, "attachment")
    c.showPage()
    c.save()
    (tmp_path / "doc.yaml").write_text(OK + "附件:\n  - 名称: 表\n    文件: ok.pdf\n", encoding="utf-8")
    assert read(tmp_path / "doc.yaml").attachments[0].file == tmp_path / "ok.pdf"
    (tmp_path / "cut.pdf").write_bytes((tmp_path / "ok.pdf").read_bytes()[:60])
    problems, _ = problems_of(tmp_path, OK + "附件:\n  - 名称: 表\n    文件: cut.pdf\n")
    assert "损坏" in problems[0].message and problems[0].line == 7
    (tmp_path / "text.pdf").write_text("hello")
    problems, _ = problems_of(tmp_path, OK + "附件:\n  - 名称: 表\n    文件: text.pdf\n")
    assert "不是真正的 PDF" in problems[0].message
    (tmp_path / "table.docx").write_bytes(b"PK\x03\x04")
    problems, _ = problems_of(tmp_path, OK + "附件:\n  - 名称: 表\n    文件: table.docx\n")
    assert "不是 PDF" in problems[0].message


# --- 正文 markup: headings ------------------------------------------------------

@pytest.mark.parametrize("line,level,run_in", [
    ("# 总体要求", 1, False),
    ("## 主要目标。到年底完成。", 2, True),
    ("### 全面梳理数据资源。各单位要依托平台梳理。", 3, True),    # 仿宋 heading: one span, still run-in
    ("（1）梳理范围。包括业务系统。", 4, True),
    ("1.梳理范围。", 3, False),                                 # the sentence is the whole heading
])
def test_run_in_headings_are_known_whatever_their_face(line, level, run_in):
    from gongwen.markup import parse_body
    (p,) = parse_body(line)
    assert (p.level, p.run_in, p.whole_heading) == (level, run_in, not run_in)


def test_a_run_in_heading_does_not_pull_the_next_paragraph_onto_its_page():
    """Only a heading that stands alone keeps with the text after it (layout
    and DOCX alike); a run-in heading is a paragraph of text."""
    from gongwen.layout.body import _paragraph_blocks
    from gongwen.markup import parse_body
    from gongwen.pipeline import fontbook
    paras = parse_body("# 总体要求\n### 全面梳理数据资源。各单位要依托平台梳理。\n正文。")
    blocks = _paragraph_blocks(fontbook(), paras)
    assert [b.keep_with_next for b in blocks] == [True, False, False]


# --- 正文 written without `|` ------------------------------------------------------

_HEAD = ("发文机关标志: 沂水县人民政府文件\n发文字号: 沂政发〔2024〕3号\n标题: 关于测试的通知\n"
         "主送机关: 各乡镇人民政府\n")
_TAIL = "发文机关署名: 沂水县人民政府\n成文日期: 2024-02-01\n印章: true\n"
BODY_HINT = "正文有多段时写成 `正文: |`，下面每段一行"


@pytest.mark.parametrize("body,words", [
    ("正文:\n  测试正文。\n  特此通知。\n", ("连成了一段", "测试正文。 特此通知。")),        # b25
    ("正文: 测试正文。\n  特此通知。\n", ("连成了一段",)),
    ("正文: >\n  测试正文。\n  特此通知。\n", ("“>”", "连成了一段")),
    ("正文:\n  为做好工作，现通知如下：\n  # 工作要求\n", ("第 7 行", "# 工作要求", "注释")),
    ("正文: 为做好工作，现通知如下：\n\n  # 工作要求\n", ("第 7 行", "注释")),
    ("正文:\n  # 工作要求\n  各单位要认真落实。\n", ("第 6 行", "注释")),
    # b37: the heading line ends the text and YAML cannot read the next line
    ("正文:\n  为做好工作，现通知如下：\n  # 工作要求\n  各单位要认真落实。\n  特此通知。\n",
     ("第 7 行", "# 工作要求", "注释")),
], ids=["plain", "plain-from-key-line", "folded", "comment-after", "comment-after-blank", "comment-before",
        "comment-then-text"])
def test_body_without_pipe_is_an_error_at_its_line(tmp_path, body, words):
    problems, path = problems_of(tmp_path, _HEAD + body + _TAIL)
    hits = [p for p in problems if p.field == "正文" and BODY_HINT in p.hint]
    assert hits, "\n".join(p.format() for p in problems)
    p = hits[0]
    assert p.severity == "error" and p.file == path
    assert p.line == 5, p.format()                     # the `正文:` line, where the | goes
    for w in words:
        assert w in p.message, p.format()
    assert "缩进不齐" not in p.message


@pytest.mark.parametrize("attachment,words,line", [
    ("    内容:\n      甲。\n      乙。\n", ("连成了一段",), 8),                  # the `内容:` line
    ("    内容:\n      甲。\n      # 标题\n      乙。\n", ("第 10 行", "注释"), 8),
    ("    内容:\n      - 一段\n        续\n      - 二段\n", ("连成了一段", "一段 续"), 9),     # the item's line
])
def test_attachment_content_without_pipe_is_an_error(tmp_path, attachment, words, line):
    text = _HEAD + "正文: 测试正文。\n附件:\n  - 名称: 表\n" + attachment + _TAIL
    problems, _ = problems_of(tmp_path, text)
    hits = [p for p in problems if p.field == "附件" and all(w in p.message for w in words)]
    assert hits, "\n".join(p.format() for p in problems)
    assert hits[0].line == line, hits[0].format()
    assert "|" in hits[0].hint


@pytest.mark.parametrize("body", [
    "正文: |\n  测试正文。\n  # 工作要求\n  特此通知。\n",
    "正文: 测试正文。\n",
    "正文: 测试正文。  # 一条注释\n",
    "正文: 测试正文。\n# 下面是署名（顶格的注释不属于正文）\n",
    "正文: \"测试正文。\\n特此通知。\"\n",
    "正文: >\n  只有一行。\n",
])
def test_body_forms_that_keep_their_lines_are_fine(body):
    doc = read_string(_HEAD + body + _TAIL)
    assert doc.body and doc.body[0].text.startswith(("测试正文", "只有一行"))


# --- binary files are not UTF-16 ------------------------------------------------------

_ELF = (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x03\x00>\x00\x01\x00\x00\x00\xd0a\x00\x00\x00\x00\x00\x00"
        + b"@\x00\x00\x00\x00\x00\x00\x00pG\x02\x00" + bytes((i * 37) % 256 for i in range(3000)))


@pytest.mark.parametrize("content,words,not_words", [
    (_ELF, ("不是文本文件",), ("UTF-16",)),                                   # head -c 3000 /bin/ls
    (b"\x00" * 1000, ("不是文本文件",), ("UTF-16",)),
    (b"\x00\x00\x01\x00" * 300 + b"\xff\xd9", ("不是文本文件",), ("UTF-16",)),
    (b"a: \x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11" * 20, ("不是文本文件",), ()),
    (OK.encode("utf-16-le"), ("UTF-16",), ("不是文本文件",)),                # no BOM, Chinese text
    (OK.encode("utf-16-be"), ("UTF-16",), ("不是文本文件",)),
    (OK.encode("utf-16"), ("UTF-16",), ()),                                   # with BOM
    ("标题: a\n".encode("utf-16-le"), ("UTF-16",), ()),
    ((OK * 200).encode("utf-16-le"), ("UTF-16",), ()),                        # cut mid-character at 4096
    (OK.encode("utf-32"), ("UTF-32",), ()),
], ids=["elf", "nul", "zeros-both-sides", "controls", "utf16-le", "utf16-be", "utf16-bom", "utf16-ascii",
        "utf16-long", "utf32"])
def test_binary_is_not_text_and_utf16_is_utf16(tmp_path, content, words, not_words):
    problems, path = problems_of(tmp_path, content, "x.yaml")
    text = "\n".join(p.message + p.hint for p in problems)
    assert all(w in text for w in words), text
    assert not any(w in text for w in not_words), text
    assert problems[0].file == path and problems[0].format().startswith(str(path))


# --- one seal image per 署名 ------------------------------------------------------

@pytest.mark.parametrize("issuers,seals,ok", [
    ("发文机关署名: 沂水县人民政府\n", "[s1.png, s2.png]", False),                 # b24
    ("发文机关署名: 沂水县人民政府\n", "[s1.png]", True),
    ("发文机关署名: 沂水县人民政府\n", "s1.png", True),
    ("发文机关署名:\n  - 甲局\n  - 乙局\n", "s1.png", True),                   # one image: the host's seal
    ("发文机关署名:\n  - 甲局\n  - 乙局\n", "[s1.png]", False),
    ("发文机关署名:\n  - 甲局\n  - 乙局\n", "[s1.png, s2.png, s1.png]", False),
    ("发文机关署名:\n  - 甲局\n  - 乙局\n", "[s1.png, s2.png]", True),
    ("发文机关署名:\n  - 甲局\n  - 乙局\n", "\n  - s1.png\n  - s2.png", True),
    ("", "[s1.png, s2.png]", False),                                           # 署名 from the mark: one
])
def test_seal_images_match_the_issuers(tmp_path, issuers, seals, ok):
    _png(tmp_path / "s1.png")
    _png(tmp_path / "s2.png")
    text = ("发文机关标志: 沂水县人民政府文件\n标题: 关于测试的通知\n正文: |\n  测试正文。\n"
            + issuers + "成文日期: 2024-02-01\n印章: " + seals + "\n")
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    if ok:
        doc = read(path)
        assert doc.seal is not None
        return
    problems, _ = problems_of(tmp_path, text)
    (p,) = [p for p in problems if p.field == "印章"]
    assert p.line == line_of(text, "印章:")
    assert "发文机关署名" in p.message and "枚图片" in p.message
    assert "印章:" in p.hint


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


# --- dates: exactly the forms the README lists ------------------------------------------

def _readme_date_forms() -> tuple[list[str], list[str]]:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `成文日期`"))
    accepted, _, rejected = row.partition("; not ")
    import re

    def forms(s):                                    # the backticked dates (not the separators)
        return [f for f in re.findall(r"`([^`]+)`", s) if re.search(r"\d|〇", f)]
    return forms(accepted.split("|", 2)[2]), forms(rejected.split(";")[0])


def test_readme_lists_the_date_forms_that_are_accepted():
    accepted, rejected = _readme_date_forms()
    # the forms clerks write (b08, b23, b36) are documented …
    for typed in ("2023/4/18", "2023.4.18", "2023-4-18", "2023-04-18", "2023年4月18日"):
        assert typed in accepted, accepted
    assert rejected
    # … and each documented form is read as documented
    for form in accepted:
        assert read_string(OK + f"成文日期: {form}\n").date == dt.date(2023, 4, 18), form
    for form in rejected:
        with pytest.raises(GongwenError):
            read_string(OK + f"成文日期: {form}\n")
    for spaced in ("2023 - 4 - 18", "２０２３年４月１８日", "２０２３/４/１８"):        # spaces, full-width digits
        assert read_string(OK + f"成文日期: {spaced}\n").date == dt.date(2023, 4, 18)
