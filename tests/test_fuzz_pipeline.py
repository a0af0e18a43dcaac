"""Property test over read → parse → normalize → segment (no synthesis): never an
uncaught exception, every CJK character of a body reaches some segment, and no
segment exceeds the engine's limit."""

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiopaper.errors import AudiopaperError
from audiopaper.normalize import normalize
from audiopaper.parse import parse_page
from audiopaper.read import read_text
from audiopaper.script import edition_script
from audiopaper.segment import segment_script

LIMIT = 40
CJK = re.compile(r"[\u4e00-\u9fff]")

pieces = st.one_of(
    st.sampled_from(
        [
            "本报记者 王明",
            "本报讯(记者 李华)",
            "(下转2版)",
            "记者 张三 摄",
            "——",
            "。",
            "，",
            "、",
            "；",
            "！",
            "？",
            "“",
            "”",
            "\n",
            "\n\n",
            " ",
            "2024年3月18日",
            "12.5%",
            "0.8亿元",
            "第58次",
            "20余名",
            "9:30",
            "12345热线",
            "GDP",
            "5G",
            "〇",
            "😀",
            "&<>",
            "# 标题\n",
            "## 小标题\n",
            "<b>粗体</b>",
            "𠀀",
            "滨江区",
            "新建",
            "学校",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=60),
    st.text(max_size=20),
)
pages = st.lists(pieces, min_size=1, max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages)
def test_no_crash_no_loss_no_oversize(tmp_path_factory: object, text: str) -> None:
    path = Path(tmp_path_factory.mktemp("fuzz")) / "page.txt"  # type: ignore[attr-defined]
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        cleaned = read_text(path)
        edition = parse_page(cleaned, today=dt.date(2024, 1, 1), source=path)
    except AudiopaperError:
        return  # a clear error is an acceptable answer to garbage
    segments = segment_script(edition_script(edition), normalize, LIMIT)
    assert all(len(s.spoken_text) <= LIMIT for s in segments)
    for index, article in enumerate(edition.articles):
        for number, paragraph in enumerate(article.paragraphs):
            mine = [
                s
                for s in segments
                if s.article_index == index
                and s.source_text
                and paragraph.text.find(s.source_text) >= 0
            ]
            spoken = Counter(c for s in mine for c in CJK.findall(s.spoken_text))
            if not re.search(r"[\w]", paragraph.text):
                continue
            for char, count in Counter(CJK.findall(paragraph.text)).items():
                assert spoken[char] >= count, (char, number, paragraph.text)
