"""News polyphones the dictionary gets wrong, decided from the words around them.

The phrase tables (data/phrases.tsv, data/news_phrases.tsv) fix a word once and for all
(还款 huan2, 种植 zhong4); these rules handle what depends on context:
- a surname before 某, 先生, 女士 or a title (单某 shan4, 曾先生 zeng1, 翟女士 zhai2);
  (jieba's name tags were tried and left out: its word list tags 华为, 解密, 单一化 as
  names, and the tagger costs seconds at start for four CPP sentences);
- 地 after an adverb made by reduplication or a known adverbial word (慢慢地 de5);
- 得 as the complement marker after a verb (跑得快 de5) and as "must" (就得去 dei3);
- 数 before a number (数百 shu4), 为 after verbs that take it as "as" (列为 wei2), 长
  before an amount (长约8分钟 chang2).
Forced (lexicon) syllables never change.
"""

from __future__ import annotations

import functools

from audiopaper.frontend.g2p import Word, regroup
from audiopaper.frontend.phrases import data_rows, is_phrase


@functools.cache
def _surnames() -> dict[str, str]:
    return {char: reading for char, reading in data_rows("surnames.tsv")}


@functools.cache
def _titles() -> tuple[str, ...]:
    return tuple(sorted((row[0] for row in data_rows("titles.tsv")), key=len, reverse=True))


# Words after which a 地 joining them to a verb is the adverbial particle.
_ADVERBIAL_ENDINGS = ("性", "化", "真", "极", "断", "效", "分", "格", "入", "动", "面", "续", "步")
_NOT_AFTER_DE = set("区方点上下面铁图球址址震质位块产税盘")
_DE_COMPLEMENT_AFTER = set("很太更最越不非十特好快慢多少早晚高低远近清楚满")
_DEI_BEFORE = ("去", "做", "要", "有", "赶", "抓", "先", "靠")
_DEI_AFTER = set("就还也都总必可")
# Before a classifier 种 (三种, 这种 when jieba leaves it alone): numbers and demonstratives.
_COUNTERS = set("一二三四五六七八九十百千万两几多这那哪每某各该此另同数")
_BENEFICIARIES = tuple(
    [
        "群众",
        "人民",
        "企业",
        "社会",
        "大家",
        "我们",
        "你们",
        "他们",
        "国家",
        "百姓",
        "居民",
        "农民",
        "患者",
        "学生",
        "孩子",
        "老人",
        "游客",
        "市民",
        "村民",
        "消费者",
        "广大",
        "基层",
        "行业",
        "产业",
        "城市",
        "乡村",
        "家乡",
        "祖国",
        "地方",
    ]
)
# 列为, 评为, 描述为, 命名为, 调整为: a verb that takes 为 as "as, into".
_WEI2_AFTER = set("列评选称改视定分成作变转认任推誉化划沦述译名命设整并升更拆合修降缩扩晋")
# 长约8分钟, 全长12公里: 长 as "long" before an amount.
_LENGTH_BEFORE = (*"约达近逾超一二三四五六七八九十百千万两数", "不到", "超过")


def apply(words: list[Word]) -> list[Word]:
    flat = [s for w in words for s in w]
    tokens = [("".join(s.char for s in w)) for w in words for _ in w]
    firsts = {i for i, w in zip(_starts(words), words, strict=True) if w}
    text = "".join(s.char for s in flat)
    for i, syllable in enumerate(flat):
        if syllable.forced or not syllable.pinyin:
            continue
        reading = _rule(text, i, tokens[i], first=i in firsts)
        if reading:
            flat[i] = syllable.read_as(reading)
    return regroup(words, flat)


def _starts(words: list[Word]) -> list[int]:
    starts, position = [], 0
    for word in words:
        starts.append(position)
        position += len(word)
    return starts


def _rule(text: str, i: int, token: str, *, first: bool) -> str | None:
    """The reading context gives character ``i`` (in jieba word ``token``), or None."""
    char = text[i]
    before, after = text[:i], text[i + 1 :]
    if char in _surnames() and first and _is_surname(before, after, token):
        return _surnames()[char]
    if char == "地" and _free(token, "地"):
        return _di(before, after)
    if char == "得" and _free(token, "得"):
        return _de(before, after)
    if char == "数":
        return _shu(before, after)
    if char == "为":
        return _wei(before, after)
    if token == "长" and after.startswith(_LENGTH_BEFORE):
        return "chang2"
    if token == "种" and after[:1] and _is_han(after[0]) and before[-1:] not in _COUNTERS:
        return "zhong4"  # 开始种玉米: alone, 种 is the verb (这种, 各种 are words of their own)
    return None


def _free(token: str, char: str) -> bool:
    """The particle stands alone, or ends a word the dictionary does not know (jieba's
    静静地, 跑得快 are not phrases with a reading of their own)."""
    return token == char or (token.endswith(char) and not is_phrase(token))


def _shu(before: str, after: str) -> str | None:
    if after.startswith(("了数", "一数")) or before.endswith(("数了", "数一")):
        return "shu3"  # 数了数, 数一数: the verb "count"
    return "shu4" if after[:1] in set("十百千万亿两几") else None


def _wei(before: str, after: str) -> str | None:
    if after.startswith(_BENEFICIARIES):
        return "wei4"  # 为群众办实事
    if before[-1:] in _WEI2_AFTER and after[:1] != "了":
        return "wei2"  # 列为, 评为
    return None


def _is_surname(before: str, after: str, token: str) -> bool:
    """单某, 曾先生, 区女士, 任教授, 老单: a surname standing alone as a word before 某 or
    a title, or after 老/小/姓 (单位某处 and 社区主任 are words of their own)."""
    if token != token[:1] or not token:
        return False
    if after.startswith(("某", "姓", "氏")) or after.startswith(_titles()):
        return True
    return before.endswith(("姓", "老", "小")) and not after[:1].isalpha()


def _di(before: str, after: str) -> str | None:
    if not after or not _is_han(after[0]) or after[0] in _NOT_AFTER_DE:
        return None
    if len(before) >= 2 and before[-1] == before[-2]:
        return "de5"  # 慢慢地, 高高兴兴地
    if len(before) >= 2 and before.endswith(_ADVERBIAL_ENDINGS) and _is_han(before[-2]):
        return "de5"  # 积极地, 认真地, 不断地, 有效地
    return None


def _de(before: str, after: str) -> str | None:
    if not before or not _is_han(before[-1]):
        return None
    if before[-1] in _DEI_AFTER and after.startswith(_DEI_BEFORE):
        return "dei3"
    if after[:1] in _DE_COMPLEMENT_AFTER:
        return "de5"
    return None


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"
