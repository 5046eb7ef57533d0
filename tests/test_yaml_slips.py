"""The YAML slips newcomers make, reported at the line the clerk must edit
(issue 16 items 5 and 9), through the command line as a clerk runs it."""
from __future__ import annotations

import pytest

from conftest import run_generate

HEAD = "发文机关标志: 临淄区市场监督管理局文件\n"

CASES = {
    # name: (data, line to edit, words of the message)
    "no space after colon": (HEAD + "发文字号:临市监发〔2024〕1号\n标题: 关于某事的通知\n正文: |\n  一段。\n",
                             2, "“发文字号:”后面少了一个空格"),
    "no space after colon, first line": ("发文机关标志:临淄区市场监督管理局文件\n标题: 关于某事的通知\n正文: |\n  一段。\n",
                                         1, "“发文机关标志:”后面少了一个空格"),
    "no space after colon, last line": (HEAD + "标题: 关于某事的通知\n正文: |\n  一段。\n成文日期:2024-05-06\n",
                                        5, "“成文日期:”后面少了一个空格"),
    "正文 line not indented": (HEAD + "标题: 关于某事的通知\n正文: |\n  第一段。\n第二段。\n  第三段。\n"
                             "成文日期: 2024-05-06\n", 5, "这一行没有缩进，YAML 认为“正文”到上一行就结束了"),
    "正文 line not indented, with a full-width colon": (
        HEAD + "标题: 关于某事的通知\n正文: |\n  第一段。\n联系人：张三，电话：0533-7215055。\n成文日期: 2024-05-06\n",
        5, "这一行没有缩进"),
    "附件 内容 line indented too little": (
        HEAD + "标题: 关于某事的通知\n正文: |\n  第一段。\n附件:\n  - 名称: 报名表\n    内容: |\n      请填写。\n"
        "    单位、联系人。\n成文日期: 2024-05-06\n", 9, "这一行缩进不够，YAML 认为“内容”到上一行就结束了"),
    "unclosed double quote": (HEAD + "标题: \"关于某事的通知\n正文: |\n  第一段。\n  第二段。\n"
                              "成文日期: 2024-05-06\n印发机关: 某局\n", 2, "这一行的引号 \" 没有闭合"),
    "unclosed single quote": (HEAD + "标题: '关于某事的通知\n正文: |\n  第一段。\n", 2, "这一行的引号 ' 没有闭合"),
    "no colon, a middle line": (HEAD + "标题: 关于某事的通知\n正文: |\n  一段。\n成文日期: 2024-05-06\n"
                                "印发机关 某某局办公室\n抄送机关: [某局]\n", 6, "这一行“印发机关 某某局办公室”缺少"),
    "no colon, the last line": (HEAD + "标题: 关于某事的通知\n正文: |\n  一段。\n成文日期: 2024-05-06\n"
                                "印发机关 某某局办公室\n", 6, "写成 `印发机关: 某某局办公室`"),
    "python tag under 变量": (HEAD + "标题: 关于某事的通知\n变量:\n  x: !!python/object/apply:os.system [\"echo hi\"]\n"
                            "正文: |\n  第一段。\n", 4, "YAML 标签“!!python/object/apply:os.system”不能用"),
    "binary tag": (HEAD + "标题: 关于某事的通知\n附注: !!binary aGVsbG8=\n正文: |\n  第一段。\n", 3, "“!!binary”不能用"),
    "local tag": (HEAD + "标题: !title 关于某事的通知\n正文: |\n  第一段。\n", 2, "“!title”不能用"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_slip_is_reported_at_the_line_to_edit(tmp_path, name):
    data, line, words = CASES[name]
    src = tmp_path / "notice.yaml"
    src.write_text(data, encoding="utf-8")
    for argv in (("check", str(src)), (str(src), "--out", str(tmp_path / "out"))):
        r = run_generate(*argv)
        said = r.stdout + r.stderr
        assert r.returncode == 1, said
        assert f"{src}:{line}" in said and f"{src}:{line}0" not in said, said
        assert words in said and "应为：" in said, said
        assert "Traceback" not in said
    assert not (tmp_path / "out").exists()


def test_standard_scalar_tags_are_still_accepted(tmp_path):
    src = tmp_path / "notice.yaml"
    src.write_text(HEAD + "发文字号: 临市监发〔2024〕1号\n标题: !!str 关于某事的通知\n正文: |\n  第一段。\n"
                   "成文日期: 2024-05-06\n", encoding="utf-8")
    r = run_generate("check", str(src))
    assert r.returncode == 0, r.stdout
