"""The 公文 rules, as a table: each rule with a passing and a failing example.

Every example is a real YAML file read by the real reader and checked with the
real fonts.  A failing example must produce a problem naming the field (in the
standard's words), pointing at the right line, with the key words of the
message and of the suggested fix; its passing twin must produce no problem at
all, so the rule cannot be satisfied by a check that always fires.
"""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gongwen.checks import check_document, genre_of, halfwidth_marks, parse_doc_number
from gongwen.reader import read

ROOT = Path(__file__).resolve().parent.parent

# A clean notice; examples replace or add fields.  Field order is fixed so
# line numbers are predictable; the expected line is found by a marker text.
ORDER = ("版式", "发文机关标志", "份号", "密级", "保密期限", "紧急程度", "签发人", "发文字号", "令号", "标题",
         "主送机关", "正文", "出席", "请假", "列席", "附件", "发文机关署名", "代章", "签名章", "成文日期", "印章",
         "附注", "抄送机关", "印发机关", "印发日期", "变量")
BASE = {
    "发文机关标志": "某某市人民政府办公室文件",
    "发文字号": "某政办发〔2023〕3号",
    "标题": "关于开展安全生产检查的通知",
    "主送机关": "各区县人民政府，市政府各部门",
    "正文": "|\n  为做好安全生产工作，现将有关事项通知如下：\n  一、检查范围\n  全市各类生产经营单位。\n"
            "  二、工作要求\n  （一）压实责任\n  各单位要落实主体责任。\n  （二）按时报送\n  请于4月30日前报送。",
    "发文机关署名": "某某市人民政府办公室",
    "成文日期": "2023年4月18日",
    "印发机关": "某某市人民政府办公室",
    "印发日期": "2023年4月18日",
}


def yaml_text(**fields) -> str:
    data = dict(BASE)
    for k, v in fields.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    return "".join(f"{k}: {data[k]}\n" for k in ORDER if k in data)


def check(tmp_path: Path, text: str):
    path = tmp_path / "notice.yaml"
    path.write_text(text, encoding="utf-8")
    return check_document(read(path)), path


def line_of(text: str, marker: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if marker in line:
            return n
    raise AssertionError(f"marker {marker!r} not in the example")


@dataclass
class Rule:
    id: str
    field: str                  # the field the problem must name
    severity: str
    good: dict
    bad: dict
    words: tuple[str, ...]      # in message or hint
    marker: str                 # text on the line the problem must point at
    column_of: str | None = None    # text whose first character the column must point at
    extra: dict = field(default_factory=dict)


BODY_PARA = "|\n  为做好安全生产工作，现将有关事项通知如下：\n  {p}\n  一、检查范围\n  全市各类生产经营单位。"
BODY_HEADS = "|\n  为做好安全生产工作，现将有关事项通知如下：\n{h}"

RULES = [
    # 发文字号: 机关代字 + 〔YYYY〕 + number + 号
    Rule("文号-方括号", "发文字号", "error", {}, {"发文字号": "某政办发[2023]3号"},
         ("六角括号", "[]", "某政办发〔2023〕3号"), "发文字号:", column_of="[2023]"),
    Rule("文号-黑括号", "发文字号", "error", {}, {"发文字号": "某政办发【2023】3号"},
         ("【】", "六角括号", "某政办发〔2023〕3号"), "发文字号:", column_of="【"),
    Rule("文号-圆括号", "发文字号", "error", {}, {"发文字号": "某政办发（2023）3号"},
         ("（）", "六角括号", "某政办发〔2023〕3号"), "发文字号:", column_of="（"),
    Rule("文号-全角方括号", "发文字号", "error", {}, {"发文字号": "某政办发［2023］3号"},
         ("［］", "某政办发〔2023〕3号"), "发文字号:"),
    Rule("文号-小括号形", "发文字号", "error", {}, {"发文字号": "某政办发﹝2023﹞3号"},
         ("﹝﹞", "六角括号", "某政办发〔2023〕3号"), "发文字号:", column_of="﹝"),
    Rule("文号-无括号", "发文字号", "error", {}, {"发文字号": "某政办发2023年3号"},
         ("六角括号", "年", "某政办发〔2023〕3号"), "发文字号:"),
    Rule("文号-第", "发文字号", "error", {}, {"发文字号": "某政办发〔2023〕第3号"},
         ("第", "某政办发〔2023〕3号"), "发文字号:", column_of="第"),
    Rule("文号-虚位", "发文字号", "error", {"发文字号": "某政办发〔2023〕10号"}, {"发文字号": "某政办发〔2023〕003号"},
         ("前导零", "003", "某政办发〔2023〕3号"), "发文字号:", column_of="003"),
    Rule("文号-年份简写", "发文字号", "error", {}, {"发文字号": "某政办发〔23〕3号"},
         ("四位", "某政办发〔2023〕3号"), "发文字号:"),
    Rule("文号-缺号字", "发文字号", "error", {}, {"发文字号": "某政办发〔2023〕3"},
         ("号", "某政办发〔2023〕3号"), "发文字号:"),
    Rule("文号-缺机关代字", "发文字号", "error", {}, {"发文字号": "〔2023〕3号"},
         ("机关代字",), "发文字号:"),
    Rule("文号-全角数字", "发文字号", "error", {}, {"发文字号": "某政办发〔２０２３〕３号"},
         ("半角", "某政办发〔2023〕3号"), "发文字号:"),
    Rule("文号-不成形", "发文字号", "error", {}, {"发文字号": "三号文"},
         ("机关代字", "〔年份〕"), "发文字号:"),
    Rule("文号-年份与成文日期", "发文字号", "warning", {}, {"发文字号": "某政办发〔2022〕3号"},
         ("2022", "不一致", "某政办发〔2023〕3号"), "发文字号:", column_of="2022"),
    # dates
    Rule("印发日期早于成文日期", "印发日期", "warning", {"印发日期": "2023年4月20日"}, {"印发日期": "2022年4月18日"},
         ("早于", "2023年4月18日"), "印发日期:", column_of="2022年"),
    Rule("缺成文日期", "成文日期", "warning", {}, {"成文日期": None, "印发日期": None, "印发机关": None},
         ("成文日期",), "发文机关标志:"),
    # 份号, 密级, 保密期限, 紧急程度
    Rule("份号-位数", "份号", "error", {"份号": '"000123"'}, {"份号": '"1234567"'},
         ("6 位",), "份号:", column_of="1234567"),
    Rule("份号-非数字", "份号", "error", {"份号": "000001"}, {"份号": "第一份"},
         ("6 位", "000001"), "份号:"),
    Rule("份号-涉密必有", "密级", "error", {"密级": "秘密", "份号": '"000001"'}, {"密级": "秘密"},
         ("份号", "000001"), "密级:"),
    Rule("密级-取值", "密级", "error", {"密级": "机密", "份号": '"000001"'}, {"密级": "内部", "份号": '"000001"'},
         ("内部", "密级"), "密级:"),
    Rule("密级-多字", "密级", "error", {"密级": "绝密", "份号": '"000001"'}, {"密级": "绝密级", "份号": '"000001"'},
         ("绝密级", "绝密"), "密级:"),
    Rule("保密期限-形式", "保密期限", "error", {"密级": "机密", "份号": '"000001"', "保密期限": "1年"},
         {"密级": "机密", "份号": '"000001"', "保密期限": "一年"}, ("一年", "1年"), "保密期限:", column_of="一年"),
    Rule("保密期限-月", "保密期限", "error", {"密级": "秘密", "份号": '"000001"', "保密期限": "6个月"},
         {"密级": "秘密", "份号": '"000001"', "保密期限": "6月"}, ("6月", "6个月"), "保密期限:"),
    Rule("保密期限-合写", "保密期限", "error", {"密级": "机密★长期", "份号": '"000001"'},
         {"密级": "机密★永久", "份号": '"000001"'}, ("永久", "长期"), "密级:"),
    Rule("保密期限-无密级", "保密期限", "error", {}, {"保密期限": "1年"}, ("密级",), "保密期限:"),
    Rule("紧急程度-取值", "紧急程度", "error", {"紧急程度": "特急"}, {"紧急程度": "紧急"},
         ("紧急", "加急"), "紧急程度:", column_of="紧急"),
    Rule("紧急程度-电报", "紧急程度", "warning", {"紧急程度": "加急"}, {"紧急程度": "平急"},
         ("电报", "特急"), "紧急程度:"),
    # 附件说明
    Rule("附件-名称末尾标点", "附件", "warning", {"附件": "\n  - 安全检查情况统计表"},
         {"附件": "\n  - 安全检查情况统计表。"}, ("不加标点", "安全检查情况统计表"), "统计表。", column_of="。"),
    Rule("附件-自行编号", "附件", "warning", {"附件": "\n  - 名称: 检查表\n  - 名称: 汇总表"},
         {"附件": "\n  - 名称: 检查表\n  - 名称: 2．汇总表"}, ("编号", "汇总表"), "2．汇总表"),
    # half-width punctuation in Chinese text (but not 3.5, 9:30, e-mail, URLs, Latin words, 1. headings)
    Rule("半角逗号", "正文", "warning",
         {"正文": BODY_PARA.format(p="会议于9:30在3.5号楼召开，联系邮箱a.b@c.gov.cn，网址https://x.gov.cn/a?b=1，"
                                     "使用Node.js软件，金额1,000元。")},
         {"正文": BODY_PARA.format(p="各单位要高度重视,认真组织。")},
         ("半角逗号", "，"), "高度重视,", column_of=",认真"),
    Rule("半角括号", "正文", "warning", {"正文": BODY_PARA.format(p="世界知识产权组织（WIPO）发布报告。")},
         {"正文": BODY_PARA.format(p="世界知识产权组织(WIPO)发布报告。")}, ("半角括号", "（"), "(WIPO)", column_of="(WIPO"),
    Rule("半角冒号", "正文", "warning", {"正文": BODY_PARA.format(p="联系电话：0533-1234567")},
         {"正文": BODY_PARA.format(p="联系电话:0533-1234567")}, ("半角冒号", "："), "联系电话:", column_of=":"),
    Rule("半角分号-附注", "附注", "warning", {"附注": "此件公开发布；请遵照执行"},
         {"附注": "此件公开发布;请遵照执行"}, ("半角分号", "；"), "附注:", column_of=";"),
    # heading numbers
    Rule("序数-不连续", "正文", "warning",
         {"正文": BODY_HEADS.format(h="  一、总体要求\n  （一）指导思想\n  （二）工作目标\n  二、主要任务")},
         {"正文": BODY_HEADS.format(h="  一、总体要求\n  （一）指导思想\n  （三）工作目标\n  二、主要任务")},
         ("不连续", "（一）", "（三）", "（二）"), "（三）工作目标", column_of="（三）"),
    Rule("序数-不从一开始", "正文", "warning",
         {"正文": BODY_HEADS.format(h="  一、总体要求\n  二、主要任务")},
         {"正文": BODY_HEADS.format(h="  一、总体要求\n  （二）工作目标\n  二、主要任务")},
         ("（一）", "（二）"), "（二）工作目标"),
    Rule("序数-跳级", "正文", "warning",
         {"正文": BODY_HEADS.format(h="  一、总体要求\n  （一）指导思想\n  1.坚持党的领导\n  二、主要任务")},
         {"正文": BODY_HEADS.format(h="  一、总体要求\n  1.坚持党的领导\n  二、主要任务")},
         ("跳级", "一、", "1.", "（一）"), "1.坚持", column_of="1.坚持"),
    Rule("序数-附件内", "附件", "warning",
         {"附件": "\n  - 名称: 检查要点\n    内容: |\n      一、检查内容\n      二、检查方式"},
         {"附件": "\n  - 名称: 检查要点\n    内容: |\n      一、检查内容\n      三、检查方式"},
         ("不连续", "二、"), "三、检查方式"),
    # 签发人 and the 文种
    Rule("签发人-下行文", "签发人", "warning",
         {"签发人": "张三", "标题": "关于申请安全生产专项资金的请示", "主送机关": "市人民政府"},
         {"签发人": "张三"}, ("签发人", "上行文", "通知"), "签发人:"),
    Rule("上行文-缺签发人", "标题", "warning",
         {"签发人": "张三", "标题": "关于2022年安全生产工作情况的报告", "主送机关": "市人民政府"},
         {"标题": "关于2022年安全生产工作情况的报告", "主送机关": "市人民政府"}, ("签发人", "报告"), "标题:"),
    Rule("请示-一个主送机关", "主送机关", "warning",
         {"签发人": "张三", "标题": "关于申请安全生产专项资金的请示", "主送机关": "市人民政府"},
         {"签发人": "张三", "标题": "关于申请安全生产专项资金的请示", "主送机关": "市人民政府，市财政局"},
         ("一个主送机关", "抄送"), "主送机关:"),
    Rule("标题-文种", "标题", "warning", {"标题": "关于印发《安全生产管理办法（试行）》的通知"},
         {"标题": "关于开展安全生产检查的安排"}, ("文种", "通知"), "标题:"),
    Rule("标题-请示报告", "标题", "warning", {"标题": "关于申请专项资金的请示", "签发人": "张三", "主送机关": "市人民政府"},
         {"标题": "关于申请专项资金的请示报告", "签发人": "张三", "主送机关": "市人民政府"}, ("请示", "报告", "混用"), "标题:"),
    Rule("标题-标点", "标题", "warning",
         {"标题": "关于印发《某市安全生产“十四五”规划（2021-2025年）》的通知"},
         {"标题": "关于加强安全管理，提高检查效率的通知"}, ("标点", "，", "顿号"), "标题:", column_of="，"),
    Rule("标题-句号", "标题", "warning", {}, {"标题": "关于开展安全生产检查的通知。"}, ("标点", "。"), "标题:", column_of="。"),
    Rule("标题-多行", "标题", "warning", {"标题": "|\n  某某市人民政府办公室\n  关于开展安全生产检查的通知"},
         {"标题": "|\n  某某市人民政府办公室\n  关于开展安全生产检查的通知!"}, ("标点", "!"), "检查的通知!", column_of="!"),
    # special formats (§9)
    Rule("纪要-期号", "发文字号", "error",
         {"版式": "纪要", "发文机关标志": "某某市人民政府常务会议纪要", "标题": None, "主送机关": None,
          "发文字号": "第3期", "出席": "张三、李四", "发文机关署名": None, "成文日期": None},
         {"版式": "纪要", "发文机关标志": "某某市人民政府常务会议纪要", "标题": None, "主送机关": None,
          "发文字号": "第03号", "出席": "张三、李四", "发文机关署名": None, "成文日期": None},
         ("第03号", "期", "第3期"), "发文字号:", column_of="第03号"),
    Rule("命令-令号", "令号", "error",
         {"版式": "命令", "发文机关标志": "某某市人民政府令", "标题": None, "主送机关": None, "发文字号": None,
          "令号": "第12号", "签名章": "\n  职务: 市长\n  姓名: 张三", "发文机关署名": None},
         {"版式": "命令", "发文机关标志": "某某市人民政府令", "标题": None, "主送机关": None, "发文字号": None,
          "令号": "12号令", "签名章": "\n  职务: 市长\n  姓名: 张三", "发文机关署名": None},
         ("12号令", "第12号"), "令号:"),
    Rule("函-信函格式", "标题", "warning",
         {"版式": "信函", "标题": "关于商请支持安全生产检查的函", "主送机关": "某某市应急管理局"},
         {"标题": "关于商请支持安全生产检查的函", "主送机关": "某某市应急管理局"}, ("信函", "版式: 信函"), "标题:"),
    Rule("未替换的占位符", "发文字号", "warning", {}, {"发文字号": "××〔2023〕3号"}, ("××", "实际内容"), "发文字号:",
         column_of="××"),
    Rule("命令-缺令号", "版式", "warning",
         {"版式": "命令", "发文机关标志": "某某市人民政府令", "标题": None, "主送机关": None, "发文字号": None,
          "令号": "第12号", "签名章": "\n  职务: 市长\n  姓名: 张三", "发文机关署名": None},
         {"版式": "命令", "发文机关标志": "某某市人民政府令", "标题": None, "主送机关": None, "发文字号": None,
          "签名章": "\n  职务: 市长\n  姓名: 张三", "发文机关署名": None},
         ("令号", "第1号"), "版式:"),
    Rule("标题标记无空格", "正文", "warning", {}, {"正文": BODY_PARA.format(p="##明确任务")},
         ("空一格", "## 明确任务"), "##明确任务", column_of="##"),
    # invisible characters and characters no font has
    Rule("制表符", "正文", "warning", {}, {"正文": BODY_PARA.format(p="各单位\t要高度重视。")},
         ("制表符",), "高度重视"),
    Rule("不可见字符", "正文", "warning", {}, {"正文": BODY_PARA.format(p="各单位要\u200b高度重视。")},
         ("U+200B", "删去"), "高度重视"),
    Rule("缺字", "正文", "error", {}, {"正文": BODY_PARA.format(p="请联系\u0378同志。")},
         ("没有字体", "U+0378"), "请联系", column_of="\u0378"),
]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_passing_example_is_clean(rule, tmp_path):
    problems, _ = check(tmp_path, yaml_text(**rule.good))
    assert [p.format() for p in problems] == []


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_failing_example_is_reported(rule, tmp_path):
    text = yaml_text(**rule.bad)
    problems, path = check(tmp_path, text)
    mine = [p for p in problems if p.field == rule.field and p.severity == rule.severity
            and all(w in p.message + p.hint for w in rule.words)]
    assert mine, "\n".join(p.format() for p in problems) or "no problem reported"
    p = mine[0]
    want_line = line_of(text, rule.marker)
    assert p.line == want_line, p.format()
    assert p.file == path
    if rule.column_of:
        src = text.splitlines()[want_line - 1]
        key = re.match(r"\s*(?:- )?[\u4e00-\u9fff]+: ", src)      # the value, not the key
        assert p.column == src.index(rule.column_of, key.end() if key else 0) + 1, p.format()
    shown = p.format()
    assert shown.startswith(f"{path}:{want_line}")
    assert f"【{rule.field}】" in shown
    assert len(shown.splitlines()) <= 2
    assert "Traceback" not in shown


def test_seed_warns_about_print_date_on_its_line():
    seed = ROOT / "data" / "linzi-ip-week-2023.yaml"
    text = seed.read_text(encoding="utf-8")
    problems = check_document(read(seed))
    assert [p.severity for p in problems] == ["warning"]
    p = problems[0]
    assert p.field == "印发日期"
    assert p.line == line_of(text, "印发日期:")
    assert "2022年4月18日" in p.message and "2023年4月18日" in p.message


def test_check_command_on_seed():
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), "check", "data/linzi-ip-week-2023.yaml"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    line = line_of((ROOT / "data" / "linzi-ip-week-2023.yaml").read_text(encoding="utf-8"), "印发日期:")
    assert f"data/linzi-ip-week-2023.yaml:{line}:" in r.stdout
    assert "印发日期" in r.stdout and "警告" in r.stdout
    assert "Traceback" not in r.stderr
    strict = subprocess.run([sys.executable, str(ROOT / "generate.py"), "check", "--strict",
                             "data/linzi-ip-week-2023.yaml"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert strict.returncode == 1


def test_check_command_clean_and_errors(tmp_path):
    clean = tmp_path / "clean.yaml"
    clean.write_text(yaml_text(), encoding="utf-8")
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), "check", str(clean)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0
    assert r.stdout.strip() == f"{clean}: 未发现问题。"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml_text(发文字号="某政办发[2023]第003号"), encoding="utf-8")
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), "check", str(bad)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "某政办发〔2023〕3号" in r.stdout and "1 个错误" in r.stdout


def test_generation_stops_on_rule_error_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml_text(密级="内部"), encoding="utf-8")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), str(bad), "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "密级" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists() or not any(out.iterdir())


def test_generation_goes_on_with_warnings_unless_strict(tmp_path):
    src = tmp_path / "warn.yaml"
    src.write_text(yaml_text(印发日期="2022年4月18日"), encoding="utf-8")
    out = tmp_path / "out"
    strict = subprocess.run([sys.executable, str(ROOT / "generate.py"), str(src), "--out", str(out), "--strict"],
                            capture_output=True, text=True, timeout=300)
    assert strict.returncode == 1 and "印发日期" in strict.stderr
    assert not out.exists() or not any(out.iterdir())
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), str(src), "--out", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "印发日期" in r.stderr and "警告" in r.stderr
    assert (out / "warn.pdf").stat().st_size > 1000


# -- the pieces, on their own ---------------------------------------------

@pytest.mark.parametrize("text,fixed", [
    ("临知联办字〔2023〕3号", "临知联办字〔2023〕3号"),
    ("国办发[2023]第012号", "国办发〔2023〕12号"),
    ("鲁政字（２３）５", "鲁政字〔2023〕5号"),
    ("京政发【二〇二三】7号", "京政发〔2023〕7号"),
])
def test_doc_number_correction(text, fixed):
    wrong, got, _ = parse_doc_number(text, 2023)
    assert got == fixed
    assert bool(wrong) == (text != fixed)


@pytest.mark.parametrize("text,said,fixed", [
    ("2024", "只写了年份“2024”", "机关代字〔2024〕N号（N 为发文序号）"),    # not 年份“202” and 序号 4
    ("12", "只写了序号“12”", "机关代字〔年份〕12号"),
])
def test_doc_number_of_digits_alone(text, said, fixed):
    wrong, got, _ = parse_doc_number(text, 2024)
    assert got == fixed and said in wrong[0][1]


@pytest.mark.parametrize("title,genre", [
    ("关于开展全区知识产权宣传周活动的通知", "通知"),
    ("关于印发《管理办法（试行）》的通知（代拟稿）", "通知"),
    ("关于申请专项资金的请示", "请示"),
    ("关于同意设立某某中心的批复", "批复"),
    ("某某市人民政府令", "令"),
    ("关于商请支持的函", "函"),
    ("2023年第5次常务会议纪要", "纪要"),
    ("关于安全检查的安排", None),
])
def test_genre_of(title, genre):
    assert genre_of(title) == genre


@pytest.mark.parametrize("text,flagged", [
    ("会议于9:30召开", ""),
    ("增长3.5个百分点", ""),
    ("金额1,000元", ""),
    ("邮箱abc.d@zb.shandong.cn", ""),
    ("详见https://www.gov.cn/a?b=1。", ""),
    ("使用Node.js开发", ""),
    ("1.坚持党的领导", ""),
    ("某某有限公司(Co., Ltd.)", "()"),
    ("各单位,要重视.", ",."),
    ("是否参加?请回复!", "?!"),
    ("时间:上午;地点:会议室", ":;:"),
    ("English only, (fine).", ""),
])
def test_halfwidth_marks(text, flagged):
    assert "".join(text[i] for i in halfwidth_marks(text)) == flagged


def test_body_folded_into_one_paragraph_is_flagged(tmp_path):
    """`正文:` without `|`: YAML joins the lines.  Written plain (the usual slip)
    the reader refuses it at the `正文:` line; written as a quoted string that
    spans lines, the headings inside give it away to the check."""
    from gongwen.checks import check_document
    from gongwen.errors import GongwenError
    from gongwen.reader import read
    base = "发文机关标志: 某局文件\n标题: 关于开展检查的通知\n成文日期: 2024-06-01\n"
    plain = tmp_path / "plain.yaml"
    plain.write_text(base + "正文:\n  为做好工作，现通知如下：\n  一、检查时间\n  6月10日。\n", encoding="utf-8")
    with pytest.raises(GongwenError) as e:
        read(plain)
    (p,) = e.value.problems
    assert (p.field, p.line, p.severity) == ("正文", 4, "error")
    assert "正文有多段时写成 `正文: |`，下面每段一行" in p.hint
    bad = tmp_path / "bad.yaml"
    bad.write_text(base + "正文: \"为做好工作，现通知如下：\n  一、检查时间\n  6月10日。\"\n", encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(base + "正文: |\n  为做好工作，现通知如下：\n  一、检查时间\n  6月10日。\n", encoding="utf-8")
    problems = [p for p in check_document(read(bad), glyphs=False) if "漏写了“|”" in p.message]
    assert len(problems) == 1 and problems[0].field == "正文" and problems[0].line == 4
    assert not [p for p in check_document(read(good), glyphs=False) if "漏写" in p.message]


# ---------------------------------------------------------------------------
# `generate.py new`: the skeleton's organ is never doubled (…办公室办公室)

@pytest.mark.parametrize("organ,name,printer", [
    ("测试县人民政府办公室", "测试县人民政府办公室", "测试县人民政府办公室"),
    ("测试省人民政府办公厅", "测试省人民政府办公厅", "测试省人民政府办公厅"),
    ("测试县人民政府", "测试县人民政府", "测试县人民政府办公室"),
    ("测试县人民政府文件", "测试县人民政府", "测试县人民政府办公室"),      # the mark typed for the organ
])
def test_new_skeleton_does_not_double_the_organ(organ, name, printer, tmp_path):
    from gongwen.newdoc import KINDS, skeleton
    for kind in KINDS:
        text = skeleton(kind, organ)
        for doubled in ("办公室办公室", "办公厅办公室", "文件文件", "令令", "纪要××会议纪要"):
            assert doubled not in text, (kind, text)
        values = dict(line.split(": ", 1) for line in text.splitlines()
                      if ": " in line and not line.startswith((" ", "#")))
        if "印发机关" in values:
            assert values["印发机关"] == printer, kind
        if "发文机关署名" in values:
            assert values["发文机关署名"] == name, kind
        mark = {"函": name, "命令": name + "令", "纪要": name + "××会议纪要"}.get(kind, name + "文件")
        assert values["发文机关标志"] == mark, kind
        path = tmp_path / f"{kind}.yaml"
        path.write_text(text, encoding="utf-8")
        assert not [p for p in check_document(read(path), glyphs=False) if p.severity == "error"], kind
    assert skeleton("命令", "测试市人民政府令").count("测试市人民政府令") == 1
    assert "发文机关标志: 测试市人民政府常务会议纪要\n" in skeleton("纪要", "测试市人民政府常务会议纪要")


def test_new_command_line_does_not_double_the_office():
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), "new", "通知", "--organ", "测试县人民政府办公室"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "印发机关: 测试县人民政府办公室\n" in r.stdout
