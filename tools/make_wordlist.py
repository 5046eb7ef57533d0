"""Build gongwen/data/words.txt, the word list the title breaker uses.

Source: jieba's dictionary (MIT licence, https://github.com/fxsjy/jieba),
`pip install jieba` for this script only.  We keep the words of 2–6 Chinese
characters frequent enough to matter in 公文 titles, each with jieba's part of
speech (n noun, v verb, vn verbal noun, d adverb, p preposition, c conjunction …:
the breaker prefers a break before a verb to one between two nouns); the
runtime never imports jieba (its dictionary load costs 0.6–3.6 s per process,
measured by tools/measure_title_breaks.py --jieba, more than a whole notice).
"""
import re
from pathlib import Path

import jieba

MIN_FREQ = 30
src = Path(jieba.__file__).parent / "dict.txt"
out = Path(__file__).resolve().parent.parent / "gongwen" / "data" / "words.txt"
han = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
words = set()
tags: dict[str, str] = {}
for line in src.read_text(encoding="utf-8").splitlines():
    word, freq, *tag = line.split(" ")
    if han.match(word):
        tags[word] = tag[0] if tag else "x"
        if int(freq) >= MIN_FREQ:
            words.add(word)
# Words of government documents the general dictionary under-weights.
words |= {"知识产权", "联席会议", "实施方案", "管理办法", "工作方案", "专项行动", "宣传周", "办公室",
          "人民政府", "市场监督管理局", "市场监管局", "领导小组", "街道办事处", "常委会", "风险补偿",
          "质押融资", "高质量发展", "新时代", "专精特新", "示范区", "试点", "意见", "通知", "批复"}
# Organ names and set phrases of 公文 titles, up to 9 characters (the breaker's longest word).
words |= {w for w in """管理委员会 党的建设 党的领导 乡村振兴 人民政府办公室 工作领导小组 思想政治工作 生态环境 绩效考核 营商环境 安全生产 城乡环境 环境卫生 综合整治 内设机构 人员编制 行政事业性收费 政府性基金 发展改革委 先进单位 实施意见 行动方案 三年行动 工作要点 工作规则 实施细则 暂行办法 管理规定 考核办法 工作会议 专题会议 常务会议 全体会议 人民代表大会 常务委员会 政治协商会议 纪律检查委员会 监察委员会 人民法院 人民检察院 公安局 教育和体育局 卫生健康委员会 应急管理局 自然资源局 生态环境局 农业农村局 交通运输局 文化和旅游局 退役军人事务局 大数据局 行政审批服务局 医疗保障局 统计局 审计局 财政局 税务局 市场监督管理局 科学技术局 民政局 司法局 专项整治 专项行动 安全隐患 排查整治 疫情防控 防汛抗旱 森林防火 文明城市 营商环境 政务服务 数字政府 数据共享 放管服 一网通办 高质量发展 新发展理念 新发展格局 共同富裕 中国式现代化 全面从严治党 党风廉政建设 意识形态 主题教育 作风建设 基层治理 社会治理 乡村治理 耕地保护 粮食安全 安全生产月 消防安全 食品安全 药品安全 特种设备 产教融合 新质生产力 产业开发区 高新技术产业开发区 经济技术开发区 高新区 经开区 行动计划 三年行动计划 实施细则 城市更新 历史文化名城 数字经济 营商环境 乡村振兴战略 新型城镇化 科技创新 人才引进 招商引资 项目建设 安全生产委员会 防汛抗旱指挥部 领导小组办公室 老旧小区 城镇老旧小区 薄弱学校 补助资金 综合督查 风险补偿 资金管理办法 专项行动实施方案 知识产权质押融资 专业技术人员 职业资格考试
普通高等学校 普通高校 普通高中 普通中小学 高等职业学校 中等职业学校 职业院校 技工院校 义务教育学校 中小学校
中小学幼儿园 民办学校 特殊教育学校 高校毕业生 就业创业 先进集体 先进个人 村民委员会 居民委员会
非物质文化遗产 物质文化遗产 文化遗产 草原生态 补助奖励 草畜平衡 州级 旗级 区级 传承人 补奖 禁牧""".split()}
# Verbs of 公文 titles rare in general text (商请 has frequency 3 in jieba's
# dictionary), and verb pairs joined by 和/与/及 that read as one act: a title
# never breaks inside them (…关于商|请协助…, …加强和|改进…).
VERBS = """商请 恳请 函请 提请 呈请 敬请 报请 请予 准予 予以 着力 深入开展 持续开展 联合开展 广泛开展
持续深化 全面深化 深入推进 持续推进 加快推进 大力推进 全面推进""".split()
PAIRS = """加强和改进 改进和加强 加强和完善 完善和加强 加强和规范 规范和加强 巩固和发展 巩固和提升 保护和运用
保护和利用 建设和管理 管理和服务 深化和拓展 改革和完善 健全和完善 规范和促进 支持和促进 引导和规范
监督和管理 宣传和教育 研究和制定 推广和应用 开发和利用 创造和运用 保护与发展 监管与服务""".split()
words |= set(VERBS) | set(PAIRS)
for w in VERBS + PAIRS:
    tags[w] = "v"
out.write_text("# jieba dictionary words (MIT licence) and their parts of speech, see tools/make_wordlist.py\n"
               + "\n".join(f"{w} {tags.get(w, 'n')}" for w in sorted(words)) + "\n", encoding="utf-8")
print(len(words), "words,", out.stat().st_size, "bytes")
