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
# Organ names and set phrases of 公文 titles, up to 9 characters (the breaker's longest word).
words |= {w for w in """管理委员会 党的建设 党的领导 乡村振兴 人民政府办公室 工作领导小组 思想政治工作 生态环境 绩效考核 营商环境 安全生产 城乡环境 环境卫生 综合整治 内设机构 人员编制 行政事业性收费 政府性基金 发展改革委 先进单位 实施意见 行动方案 三年行动 工作要点 工作规则 实施细则 暂行办法 管理规定 考核办法 工作会议 专题会议 常务会议 全体会议 人民代表大会 常务委员会 政治协商会议 纪律检查委员会 监察委员会 人民法院 人民检察院 公安局 教育和体育局 卫生健康委员会 应急管理局 自然资源局 生态环境局 农业农村局 交通运输局 文化和旅游局 退役军人事务局 大数据局 行政审批服务局 医疗保障局 统计局 审计局 财政局 税务局 市场监督管理局 科学技术局 民政局 司法局 专项整治 专项行动 安全隐患 排查整治 疫情防控 防汛抗旱 森林防火 文明城市 营商环境 政务服务 数字政府 数据共享 放管服 一网通办 高质量发展 新发展理念 新发展格局 共同富裕 中国式现代化 全面从严治党 党风廉政建设 意识形态 主题教育 作风建设 基层治理 社会治理 乡村治理 耕地保护 粮食安全 安全生产月 消防安全 食品安全 药品安全 特种设备 产教融合 新质生产力 产业开发区 高新技术产业开发区 经济技术开发区 高新区 经开区 行动计划 三年行动计划 实施细则 城市更新 历史文化名城 数字经济 营商环境 乡村振兴战略 新型城镇化 科技创新 人才引进 招商引资 项目建设 安全生产委员会 防汛抗旱指挥部 领导小组办公室 老旧小区 城镇老旧小区 薄弱学校 补助资金 综合督查 风险补偿 资金管理办法 专项行动实施方案 知识产权质押融资""".split()}
out.write_text("# jieba dictionary words (MIT licence), see tools/make_wordlist.py\n"
               + "\n".join(sorted(words)) + "\n", encoding="utf-8")
print(len(words), "words,", out.stat().st_size, "bytes")
