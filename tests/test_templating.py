"""The Jinja2 sandbox bounds every value an expression builds (issue 18.1),
and characters a DOCX cannot hold are refused at their field and line (17.2).

The expansions are the classic ones: a string or list multiplied, joined,
summed, concatenated, turned to text.  Each is refused *before* it is built:
the memory cases run in a child process under an address-space cap
(resource.setrlimit), so a regression fails the test instead of filling the
machine, and the child reports its own peak resident set.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gongwen.controls import forbidden, printable
from gongwen.errors import GongwenError
from gongwen.reader import read_string
from gongwen.templating import MAX_VALUE, Templates

ROOT = Path(__file__).resolve().parent.parent
HEAD = "发文机关标志: 某局文件\n标题: 关于测试的通知\n变量:\n  v: " + "长" * 19000 + "\n  单位: 区教育局\n"

BOMBS = [
    "{{ ('x' * 100000)|join('y' * 100000)|length }}",
    "{{ range(1000)|join('x' * 100000) }}",
    "{{ (['x' * 99999] * 99999)|join|length }}",
    "{{ ['x' * 100000] * 100000 }}",
    "{{ (range(1000)|list) * 1000 }}",
    "{{ ([[v] * 10] * 1000)|sum(start=[])|length }}",
    "{{ v ~ v ~ v ~ v ~ v ~ v ~ v ~ v ~ v ~ v ~ v ~ v }}",
    "{{ 'x' * 100000 + 'y' * 100000 + 'z' }}",
    "{{ [v, v, v, v, v, v, v, v, v, v, v, v]|string|length }}",
    "{{ ([v] * 11)|list|string }}",
    "{{ (v ~ v ~ v) * 4 }}",
    "{{ 'ab' * 99999999999 }}",
    "{{ ((v * 10)|list)|unique|join(v)|length }}",
    "{% for i in range(1000) %}{{ v ~ v ~ v ~ v ~ v }}{% endfor %}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ '%s' * 100 % v }}",
    "{{ (['x'] * 60000)|string|length }}",
    "{{ (v * 3)|sort|join|length }}",
]


@pytest.mark.parametrize("expr", BOMBS)
def test_expansion_is_refused_with_a_clear_message(expr):
    with pytest.raises(GongwenError) as e:
        read_string(HEAD + f"正文: |\n  第一段。\n  {expr}\n")
    [p] = e.value.problems
    assert p.field == "正文" and p.line in (7, 8), p.format()
    assert "过长" in p.message or "过多" in p.message or "不能这样写" in p.message, p.format()
    assert "复杂" not in p.message               # not a MemoryError caught late


def test_ordinary_templates_still_work():
    doc = read_string(HEAD + "正文: |\n  {{ 单位 ~ '：' }}{{ [1, 2, 3]|join('、') }}{{ ('好' * 3)|length }}\n"
                      "  {% for i in range(3) %}{{ i }}{% endfor %}{{ (['甲', '乙'] * 2)|unique|join }}\n"
                      "  {{ '丙丁'|list|join('、') }}{{ [1, '戊']|string }}{{ 单位 ~ [2] }}\n")
    assert [b.text for b in doc.body] == ["区教育局：1、2、33", "012甲乙", "丙、丁[1, '戊']区教育局[2]"]


def test_values_up_to_the_limit_pass():
    out, problem = Templates().render(f"{{{{ ('x' * {MAX_VALUE})|length }}}}", {})
    assert problem is None and out == str(MAX_VALUE)
    out, problem = Templates().render(f"{{{{ ('x' * {MAX_VALUE + 1})|length }}}}", {})
    assert problem is not None and "过长" in problem[0]


_CHILD = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
    sys.path.insert(0, "tools")
    from peakrss import own_peak_mb
    from gongwen.errors import GongwenError
    from gongwen.reader import read_string
    texts = json.loads(sys.stdin.read())
    read_string(texts.pop(0))
    baseline = own_peak_mb()
    out = []
    for text in texts:
        try:
            read_string(text)
            out.append("generated")
        except GongwenError as e:
            out.append(e.problems[0].message)
        except MemoryError:
            out.append("MemoryError")
    print(json.dumps({{"messages": out, "baseline_mb": baseline, "peak_mb": own_peak_mb()}}))
""")

# What the expansions may add to the child's own peak.  The child's baseline (Python, gongwen.reader
# and Jinja2 imported, a trivial document with the 19 000-character variable read) is about 21 MB;
# the sixteen expansions refused add about 4 MB (Jinja2's compiled templates).  The peak is the
# child's own VmHWM (tools/peakrss.py): its ru_maxrss reports the pytest worker's peak instead (612 MB
# on CI), which a child started by vfork inherits at exec.  A sandbox that splits a text into its
# characters before weighing them (`(v * 10)|list`, `text|join`: 190 000 objects) adds 21 MB and fails.
GROWTH_MB = 10


def test_expansions_stay_small_under_a_memory_cap():
    cap = 1024 * 1024 * 1024          # 1 GB of address space: the unbounded expansions need 10 GB and more
    texts = [HEAD + "正文: |\n  测试。\n"] + [HEAD + f"正文: |\n  {expr}\n" for expr in BOMBS]
    r = subprocess.run([sys.executable, "-c", _CHILD.format(cap=cap)], input=json.dumps(texts), cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    result = json.loads(r.stdout)
    for expr, message in zip(BOMBS, result["messages"]):
        assert message not in ("generated", "MemoryError") and "复杂" not in message, (expr, message)
    assert result["baseline_mb"] < 80, result
    assert result["peak_mb"] < result["baseline_mb"] + GROWTH_MB, result


@pytest.mark.parametrize("field, value, line", [
    ("标题", '"关于\\x07的通知"', 2),
    ("发文字号", '"某发〔2023〕\\x1b[2J3号"', 3),
    ("主送机关", '"各单位\\0"', 3),
    ("附注", '"此件\\x85公开"', 3),
    ("标题", '"关于\\uFFFE的通知"', 2),
    ("标题", '"关于\\uFFFF的通知"', 2),
    ("标题", '"关于\\ud800的通知"', 2),
    ("代章", '"某局\\x7f代章"', 3),
    ("印发机关", '"某局\\r办公室"', 3),
])
def test_control_characters_are_refused_at_field_and_line(field, value, line):
    base = {"标题": "关于测试的通知", "发文字号": None}
    lines = ["发文机关标志: 某局文件", f"标题: {value if field == '标题' else base['标题']}"]
    if field != "标题":
        lines.append(f"{field}: {value}")
    lines += ["正文: |", "  测试。"]
    with pytest.raises(GongwenError) as e:
        read_string("\n".join(lines) + "\n")
    [p] = e.value.problems
    assert p.field == field and p.line == line, p.format()
    assert "U+" in p.message and "不能印在公文里" in p.message, p.format()


def test_control_character_in_body_names_its_own_line():
    with pytest.raises(GongwenError) as e:
        read_string('发文机关标志: 某局文件\n标题: 关于测试的通知\n正文: "第一段。\\n第二段\\x08。"\n')
    assert e.value.problems[0].line == 3
    with pytest.raises(GongwenError) as e:
        read_string("发文机关标志: 某局文件\n标题: 关于测试的通知\n变量:\n  x: \"\\x07\"\n"
                    "正文: |\n  第一段。\n  第二段{{ x }}。\n")
    [p] = e.value.problems
    assert p.line == 7 and "模板展开后" in p.message, p.format()


def test_control_characters_in_lists_and_attachments():
    with pytest.raises(GongwenError) as e:
        read_string('发文机关标志: 某局文件\n标题: 关于测试的通知\n正文: 测试。\n抄送机关:\n  - 甲局\n  - "乙\\x1b局"\n'
                    '附件:\n  - 名称: "名单\\x00"\n    内容: 无\n')
    got = {(p.field, p.line) for p in e.value.problems}
    assert got == {("抄送机关", 6), ("附件", 8)}, [p.format() for p in e.value.problems]


def test_tab_and_newline_stay_allowed():
    assert forbidden("甲\t乙\n丙") is None
    doc = read_string('发文机关标志: 某局文件\n标题: 关于测试的通知\n正文: "第一段。\\t\\n第二段。"\n')
    assert len(doc.body) == 2


def test_printable_strips_what_a_terminal_obeys():
    assert printable("更正\x1b[2J\x1b]0;title\x07时间\u202e") == "更正[2J]0;title时间"
    assert printable("正常的文字\t与换行\n") == "正常的文字 与换行 "


def test_text_length_bounds_the_text_it_predicts():
    import datetime as dt
    from hypothesis import given, settings, strategies as st
    from gongwen.templating import text_length
    values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                                    st.dates(), st.integers(-5, 5).map(lambda n: range(n, 10 ** 9))),
                          lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner),
                                                  st.frozensets(st.integers(), max_size=3), st.sets(st.text(max_size=3)),
                                                  st.dictionaries(st.text(max_size=3), inner, max_size=3)),
                          max_leaves=20)

    @settings(max_examples=150, deadline=None)
    @given(values)
    def check(value):
        assert len(str(value)) <= text_length(value, 10 ** 9), value

    check()
    assert text_length([dt.date(2023, 1, 1)] * 3) >= len(str([dt.date(2023, 1, 1)] * 3))
