"""Build gongwen/data/words.txt, the word list the title breaker uses.

Source: jieba's dictionary (MIT licence, https://github.com/fxsjy/jieba),
`pip install jieba` for this script only.  We keep the words of 2–6 Chinese
characters frequent enough to matter in 公文 titles; the runtime never imports
jieba (its dictionary load costs ~0.6 s per process).
"""
import re
from pathlib import Path

import jieba

MIN_FREQ = 30
src = Path(jieba.__file__).parent / "dict.txt"
out = Path(__file__).resolve().parent.parent / "gongwen" / "data" / "words.txt"
han = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
words = set()
for line in src.read_text(encoding="utf-8").splitlines():
    word, freq, *_ = line.split(" ")
    if han.match(word) and int(freq) >= MIN_FREQ:
        words.add(word)
# Words of government documents the general dictionary under-weights.
words |= {"知识产权", "联席会议", "实施方案", "管理办法", "工作方案", "专项行动", "宣传周", "办公室",
          "人民政府", "市场监督管理局", "市场监管局", "领导小组", "街道办事处", "常委会", "风险补偿",
          "质押融资", "高质量发展", "新时代", "专精特新", "示范区", "试点", "意见", "通知", "批复"}
out.write_text("# jieba dictionary words (MIT licence), see tools/make_wordlist.py\n"
               + "\n".join(sorted(words)) + "\n", encoding="utf-8")
print(len(words), "words,", out.stat().st_size, "bytes")
