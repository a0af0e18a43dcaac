"""The data that flows between stages: read → parse → normalize → segment →
synthesize → assemble → publish. Frozen and validated when built."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Role(StrEnum):
    """What a piece of text is in the edition; voice profiles map roles to voices."""

    INTRO = "intro"
    HEADLINE = "headline"
    BODY = "body"
    CAPTION = "caption"


class Pause(StrEnum):
    """The silence that follows a segment, by structural level."""

    NONE = "none"  # the segment continues the same sentence
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    ARTICLE = "article"


@dataclass(frozen=True)
class Paragraph:
    text: str
    is_subhead: bool = False  # a section subhead inside an article

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a paragraph needs text")


@dataclass(frozen=True)
class Article:
    title: str
    paragraphs: tuple[Paragraph, ...]
    byline: str | None = None
    kicker: tuple[str, ...] = ()  # lines above the headline (slogans, lead-ins ending in ——)
    subtitles: tuple[str, ...] = ()  # sub-headlines under the headline
    captions: tuple[str, ...] = ()  # photo captions: kept for the record, never read
    # True when the page printed no headline and the title was made from the body (or
    # the edition): it names the chapter but is not read aloud before the same words.
    title_is_derived: bool = False
    page: int | None = None  # the page it was printed on (第3版), in a multi-page edition
    page_name: str | None = None  # that page's section (要闻)
    opened_by: str = ""  # the page signal that made it an article (shown by `plan`)

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("an article needs a title")

    @property
    def body_text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class Edition:
    paper: str
    date: dt.date
    articles: tuple[Article, ...]
    source: Path | None = None
    notes: tuple[str, ...] = ()  # what the parser could not tell from the page (one line each)

    def __post_init__(self) -> None:
        if not self.paper.strip():
            raise ValueError("an edition needs a paper name")

    @property
    def edition_id(self) -> str:
        """ASCII id used for folder and file names: the date."""
        return self.date.isoformat()

    @property
    def title(self) -> str:
        return f"{self.paper} {self.date.year}年{self.date.month}月{self.date.day}日"


@dataclass(frozen=True)
class Segment:
    """One engine request: a sentence or a piece of one, in both forms."""

    source_text: str  # as printed, for transcripts
    spoken_text: str  # normalized, what the engine reads
    role: Role
    article_index: int | None  # None for the opening and closing
    paragraph_index: int
    sentence_index: int = 0  # within the paragraph; pieces of one sentence share it
    pause_after: Pause = Pause.SENTENCE

    def __post_init__(self) -> None:
        if not self.spoken_text.strip():
            raise ValueError("a segment needs spoken text")


@dataclass(frozen=True)
class Boundary:
    """A sentence inside a clip, when the engine reports one (seconds from clip start)."""

    offset: float
    duration: float
    text: str


@dataclass(frozen=True)
class Clip:
    """A segment's audio: 16-bit mono PCM in the cache, at ``sample_rate``."""

    segment: Segment
    pcm_path: Path
    samples: int
    sample_rate: int
    boundaries: tuple[Boundary, ...] = ()
    reused: bool = False
    data_offset: int = 0  # where the PCM starts in ``pcm_path``
    notes: tuple[str, ...] = ()  # what the engine could not speak

    @property
    def duration(self) -> float:
        return self.samples / self.sample_rate


@dataclass(frozen=True)
class Chapter:
    title: str
    start_ms: int
    end_ms: int
    article_index: int | None = None  # None for the opening

    def __post_init__(self) -> None:
        if self.start_ms < 0 or self.end_ms < self.start_ms:
            raise ValueError(f"bad chapter times {self.start_ms}..{self.end_ms}")


@dataclass(frozen=True)
class Cue:
    """One transcript cue: a sentence as printed, with its time in the edition."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class Episode:
    """A finished edition on disk, as the feed and the web page see it."""

    edition_id: str
    title: str
    paper: str
    date: dt.date
    audio_path: Path
    audio_bytes: int
    duration_s: float
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...] = ()
    description: str = ""
    built_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
