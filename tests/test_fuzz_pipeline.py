"""Property test over read → parse → normalize → segment (no synthesis): never an
uncaught exception, every CJK character of a body reaches some segment, no segment
exceeds the engine's limit, and no character the offline voice cannot say reaches its
model unreported (the frontend's symbols are all in the voice's table)."""

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiopaper.errors import AudiopaperError
from audiopaper.frontend import Frontend
from audiopaper.frontend.baker import symbol_ids
from audiopaper.frontend.phonemes import SILENT
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
            "Ⅱ类",
            "6.4‰",
            "①",
            "CO₂",
            "90㎡",
            "@",
            "~",
            "±2",
            "≤5",
            "+86 138 0013 8000",
            "www.example.com",
            "α",
            "↑",
            "〔2025〕8号",
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
    for segment in segments:
        _nothing_unspoken_reaches_the_model(segment.spoken_text)
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


FRONTEND = Frontend()


def _nothing_unspoken_reaches_the_model(text: str) -> None:
    phonemes = FRONTEND.phonemes(text)
    assert set(phonemes.symbols) <= set(symbol_ids())
    reported = {u.position for u in phonemes.unvoiced}
    voiced = {i for i, s in enumerate(FRONTEND.syllables(text)) if s.pinyin}
    for position, char in enumerate(text):
        if char.isspace() or char in SILENT or position in voiced:
            continue
        spelled = FRONTEND.phonemes(char)
        assert position in reported or not spelled.unvoiced, (char, text)
