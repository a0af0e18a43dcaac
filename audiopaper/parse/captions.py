"""Photo captions: kept with their article for the record, never read.

A caption is known by its credit (`新华社记者 丁 林摄`, `李志华摄`, `成和平摄（影像中国）`,
`冯永斌摄（新华社发）`, `资料图片`, `影像中国`, `以上图片均为…摄`), by its opening (`图为…`,
`图：…`) or by a picture label alone (`图一`). A credit for several pictures (`以上图片均为…`,
`图片均为…`) also covers the short captions printed just before it, which carry no credit of
their own.
"""

from __future__ import annotations

from audiopaper.kept_regex import compile_kept
from audiopaper.parse.bylines import CJK

_NAME = rf"(?:[{CJK}](?: ?[{CJK}]){{1,3}}|[{CJK}]{{1,4}}·[{CJK}]{{1,8}})"
_AGENCY = rf"(?:新华社|中新社|本报|人民图片|[{CJK}]{{2,8}}?(?:日报|晚报|报|社|网))"
_PHOTOGRAPHER = rf"(?:{_AGENCY}?(?:特约)?(?:摄影记者|记者|通讯员|摄影|见习记者)\s*)"
_SOURCE = rf"[(（]\s*(?:影像中国|新华社发|视觉中国|人民视觉|[{CJK}]{{2,8}}供图|资料图片?)\s*[)）]"
_CREDIT = compile_kept(
    rf"(?:(?:^|[\s。！？!?，,、）)”(（]|均为|图片)\s*{_PHOTOGRAPHER}?{_NAME}\s*摄\s*(?:{_SOURCE})?[)）]?"
    rf"|{_SOURCE}|(?:^|[\s。！？!?）)”])(?:影像中国|资料图片?|新华社发|视觉中国|人民视觉"
    rf"|[{CJK}]{{0,8}}供图|图片来源[:：]\S{{1,20}})"
    r")\s*$"
)
_OPENING = compile_kept(
    r"^(?:图\s*[:：]|图片\s*[:：]|图为[ ，,：:]?|[上下左右中]图\s*[:：为]"
    r"|图\s*[0-9一二三四五六七八九十]{1,2}\s*[:：]|视频截图)"
)
_LABEL = compile_kept(r"^(?:图|图片)\s*[0-9一二三四五六七八九十]{1,2}$")
_SEVERAL = compile_kept(r"(?:以上|本版|左|右)?图片均为|均为[^。]{0,16}摄\s*$|组图")
_TAIL = 60  # characters at a line's end where a photo credit can sit
CAPTION_MAX = 90  # characters: longer text without a credit is body, not a caption


def is_caption(line: str) -> bool:
    line = line.strip()
    return bool(
        _LABEL.match(line) or _OPENING.match(line) or _CREDIT.search(line[-_TAIL:].lstrip())
    )


def covers_several(caption: str) -> bool:
    """Does this caption's credit cover several pictures (`以上图片均为…摄`)?"""
    return bool(_SEVERAL.search(caption))


def could_be_uncredited_caption(text: str) -> bool:
    """Short, complete description, as printed under a picture whose credit comes later."""
    core = text.strip().rstrip("”’\"' ")
    return 4 <= len(core) <= CAPTION_MAX and core[-1:] in "。！!" and "“" not in core[:1]
