"""ID3 tags for an edition's MP3: title, album, date, comment, cover and chapters
(CHAP frames under an ordered CTOC), written as ID3v2.3."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audiopaper.models import Chapter


@dataclass(frozen=True)
class EditionTags:
    title: str
    album: str
    artist: str
    date: dt.date
    comment: str
    cover_png: bytes | None = None


def write_tags(path: Path, tags: EditionTags, chapters: list[Chapter]) -> None:
    """ID3v2.3 with UTF-16 text (reads back in ffmpeg, mutagen, eyeD3 and Apple's apps),
    one CHAP per chapter under a top-level ordered CTOC. The date is v2.3's TYER + TDAT:
    TDRC is a v2.4 frame that v2.3 readers ignore."""
    from mutagen.id3 import (
        APIC,
        CHAP,
        COMM,
        CTOC,
        TALB,
        TCON,
        TDAT,
        TIT2,
        TLEN,
        TPE1,
        TYER,
        CTOCFlags,
        Encoding,
        PictureType,
    )

    tag = _ordered_id3()
    enc = Encoding.UTF16
    tag.add(TIT2(encoding=enc, text=[tags.title]))
    tag.add(TALB(encoding=enc, text=[tags.album]))
    tag.add(TPE1(encoding=enc, text=[tags.artist]))
    # Digits only: Latin-1, which every v2.3 reader parses as a date.
    tag.add(TYER(encoding=Encoding.LATIN1, text=[f"{tags.date.year:04d}"]))
    tag.add(
        TDAT(encoding=Encoding.LATIN1, text=[f"{tags.date.day:02d}{tags.date.month:02d}"])
    )  # DDMM
    tag.add(TCON(encoding=enc, text=["Podcast"]))
    tag.add(COMM(encoding=enc, lang="chi", desc="", text=[tags.comment]))
    if chapters:
        tag.add(TLEN(encoding=enc, text=[str(chapters[-1].end_ms)]))
    if tags.cover_png:
        tag.add(
            APIC(
                encoding=enc,
                mime="image/png",
                type=PictureType.COVER_FRONT,
                desc="cover",
                data=tags.cover_png,
            )
        )
    ids = [f"chp{number}" for number in range(len(chapters))]
    tag.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=enc, text=["目录"])],
        )
    )
    for element_id, chapter in zip(ids, chapters, strict=True):
        tag.add(
            CHAP(
                element_id=element_id,
                start_time=chapter.start_ms,
                end_time=chapter.end_ms,
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=enc, text=[chapter.title])],
            )
        )
    tag.save(str(path), v2_version=3)


@functools.cache
def _chapter_ordered_id3_class() -> type:
    from mutagen.id3 import ID3
    from mutagen.id3._tags import save_frame

    class ChapterOrderedID3(ID3):  # type: ignore[misc]
        """mutagen sorts frames by size, which scrambles CHAP frames; some players
        read chapters in file order, so write CTOC and the CHAPs in insertion order."""

        def _write(self, config: object) -> bytearray:
            rank = {"CTOC": 1, "CHAP": 2, "APIC": 3}
            frames = sorted(self.values(), key=lambda f: rank.get(f.FrameID, 0))  # stable
            return bytearray().join(save_frame(f, config=config) for f in frames)

    return ChapterOrderedID3


def _ordered_id3() -> Any:
    return _chapter_ordered_id3_class()()
