"""Assembly on real audio from the offline voice, read back by ffmpeg and mutagen."""

import datetime as dt
import itertools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode

from audiopaper import assemble, pieces
from audiopaper.cache import ClipCache
from audiopaper.engines import get_engine
from audiopaper.ffmpeg import ffmpeg_exe, measure_file_loudness
from audiopaper.fsutil import TEMP_PREFIX
from audiopaper.models import Article, Clip, Edition, Paragraph
from audiopaper.profiles import load_profile
from audiopaper.script import OPENING_CHAPTER_TITLE, edition_script
from audiopaper.segment import segment_script
from audiopaper.synthesize import PCM_RATE, plan_jobs, synthesize_all
from audiopaper.tags import EditionTags, write_tags

EDITION = Edition(
    "江城晚报",
    dt.date(2024, 5, 6),
    (
        Article("新区开工五个项目", (Paragraph("今年新区开工五个项目，总投资十二亿元。"),)),
        Article(
            "图书馆延长开放时间", (Paragraph("新馆每天开放十个小时。"), Paragraph("周末照常开放。"))
        ),
        Article("一个很长很长的标题用来检查中文标签能否完整读回来没有乱码", (Paragraph("完。"),)),
    ),
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list, assemble.Timeline]:
    folder = tmp_path_factory.mktemp("edition")
    path = folder / "edition.mp3"
    return build_edition(EDITION, folder / "cache", path)[:3]


def build_edition(
    edition: Edition, cache_folder: Path, path: Path
) -> tuple[Path, list, assemble.Timeline, list[pieces.Piece]]:
    """Synthesize, encode piece by piece while synthesizing, join and tag."""
    profile = load_profile("offline")
    engine = get_engine("offline")
    segments = segment_script(edition_script(edition), lambda t: t, engine.info.max_chars)
    jobs = plan_jobs(segments, lambda s: profile.voice_for(s.role), lambda v: engine, "none")
    plans = pieces.plan_pieces(segments, [j.key for j in jobs], profile.pauses, PCM_RATE)
    encoder = pieces.PieceEncoder(plans, pieces.PieceCache(cache_folder / "pieces"))
    clips = synthesize_all(jobs, ClipCache(cache_folder), workers=2, ready=encoder.clip_ready)
    encoded = encoder.finish()
    timeline = assemble.lay_out(clips, plans, encoded, pieces.joined_duration(encoded))
    chapters = assemble.chapters_for(
        timeline, OPENING_CHAPTER_TITLE, [a.title for a in edition.articles]
    )
    pieces.join_mp3(encoded, path)
    tags = EditionTags(
        edition.title, edition.paper, edition.paper, edition.date, "目录：三篇", b"\x89PNG fake"
    )
    write_tags(path, tags, chapters)
    return path, chapters, timeline, encoded


def ffmetadata_chapters(path: Path) -> list[tuple[int, int, str]]:
    out = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    blocks = out.split("[CHAPTER]")[1:]
    found = []
    for block in blocks:
        start = int(re.search(r"START=(\d+)", block).group(1))
        end = int(re.search(r"END=(\d+)", block).group(1))
        title = re.search(r"title=(.*)", block).group(1)
        found.append((start, end, title))
    return found


def test_ffmpeg_reads_every_chapter_in_order(built: tuple) -> None:
    path, chapters, _ = built
    found = ffmetadata_chapters(path)
    assert [t for _, _, t in found] == [OPENING_CHAPTER_TITLE] + [a.title for a in EDITION.articles]
    for (start, end, _), chapter in zip(found, chapters, strict=True):
        # ffmpeg shifts by the encoder delay (about 25 ms); nothing more
        assert abs(start - chapter.start_ms) <= 60 or chapter.start_ms == 0
        assert abs(end - chapter.end_ms) <= 60
    starts = [s for s, _, _ in found]
    assert starts == sorted(starts)


def test_chapters_follow_the_stitched_audio(built: tuple) -> None:
    path, chapters, timeline = built
    duration = MP3(str(path)).info.length
    assert abs(duration - timeline.duration) < 0.15
    assert chapters[0].start_ms == 0
    assert chapters[-1].end_ms == timeline.total_ms
    for previous, chapter in itertools.pairwise(chapters):
        assert previous.end_ms == chapter.start_ms


def test_mp3_is_mono_cbr_44k(built: tuple) -> None:
    info = MP3(str(built[0])).info
    assert info.channels == 1
    assert info.sample_rate == 44100
    # Each joined piece starts its frames' padding-byte cycle afresh: a hair under 64 kbps.
    assert 63_900 <= info.bitrate <= 96_000
    assert info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)


def test_tags_read_back_with_mutagen(built: tuple) -> None:
    tags = ID3(str(built[0]))
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == EDITION.title
    assert str(tags["TALB"]) == "江城晚报"
    assert str(tags["TPE1"]) == "江城晚报"
    assert str(tags["TDRC"]) == "2024-05-06"
    assert tags.getall("COMM")[0].text == ["目录：三篇"]
    toc = tags.getall("CTOC")[0]
    assert toc.flags & 0x03 == 0x03  # top level and ordered
    assert toc.child_element_ids == ["chp0", "chp1", "chp2", "chp3"]
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.element_id)
    assert all(c.element_id.isascii() for c in chaps)
    assert str(chaps[3].sub_frames["TIT2"]) == EDITION.articles[2].title


def test_loudness_is_normalized(built: tuple) -> None:
    measured = measure_file_loudness(built[0])
    assert -17.0 <= measured.integrated_lufs <= -15.0
    assert measured.true_peak_dbtp <= -1.0


def test_cues_are_one_per_sentence_in_source_text(built: tuple) -> None:
    _, _, timeline = built
    cues = assemble.cues_for(timeline)
    texts = [cue.text for cue in cues]
    assert "新馆每天开放十个小时。" in texts
    assert "周末照常开放。" in texts
    for previous, cue in itertools.pairwise(cues):
        assert previous.end_ms <= cue.start_ms
        assert cue.start_ms < cue.end_ms


def decoded(path: Path) -> np.ndarray:
    """The file as a player decodes it (encoder delay and padding dropped)."""
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0


def test_each_chapter_starts_where_its_speech_starts(built: tuple) -> None:
    path, chapters, timeline = built
    audio = decoded(path)
    rate = 44_100
    assert abs(len(audio) / rate - timeline.duration) < 0.001
    assert abs(MP3(str(path)).info.length - timeline.duration) < 0.001
    loud = np.abs(audio) > 10 ** (-40 / 20)
    for chapter in chapters[1:]:
        start = round(chapter.start_ms * rate / 1000)
        assert not loud[start - rate // 4 : start].any(), chapter.title  # silence before
        onset = start + int(np.argmax(loud[start:]))
        # the clip keeps 30 ms of the voice's own lead-in before its first loud sample
        assert 0 <= (onset - start) / rate < 0.08, (chapter.title, (onset - start) / rate)


def test_an_edit_reencodes_only_its_article(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, _, _, before = build_edition(EDITION, cache, tmp_path / "a.mp3")
    article = EDITION.articles[1]
    edited = replace(
        EDITION,
        articles=(
            EDITION.articles[0],
            replace(article, paragraphs=(Paragraph("新馆每天开放十二个小时。"),)),
            EDITION.articles[2],
        ),
    )
    second, chapters, _, after = build_edition(edited, cache, tmp_path / "b.mp3")
    assert [p.reused for p in after] == [True, True, False, True, True]
    assert [p.key for p in after] == [
        before[0].key,
        before[1].key,
        after[2].key,
        *[p.key for p in before[3:]],
    ]
    # the unchanged pieces' frames are in the new file byte for byte
    audio = second.read_bytes()
    for piece in after:
        with piece.path.open("rb") as source:
            source.seek(piece.audio_offset)
            assert source.read(piece.audio_bytes) in audio
    assert [t for _, _, t in ffmetadata_chapters(second)] == [c.title for c in chapters]
    assert -17.0 <= measure_file_loudness(second).integrated_lufs <= -15.0


def long_article_edition(last_sentence: str) -> Edition:
    sentences = [f"第{n}项工程今天通过验收，预计下个月投入使用。" for n in range(1, 15)]
    sentences.append(last_sentence)
    return Edition(
        "江城晚报",
        dt.date(2024, 5, 7),
        (
            Article("工程验收", (Paragraph("".join(sentences)),)),
            Article("天气", (Paragraph("晴。"),)),
        ),
    )


def test_long_articles_are_cut_into_pieces_at_sentence_pauses() -> None:
    from audiopaper.models import Pause
    from audiopaper.profiles import DEFAULT_PAUSES

    edition = long_article_edition("最后一项工程明年开工。")
    segments = segment_script(edition_script(edition), lambda t: t, 40)
    keys = [f"k{i}" for i in range(len(segments))]
    plans = pieces.plan_pieces(segments, keys, DEFAULT_PAUSES, PCM_RATE)
    groups = [p.group for p in plans]
    assert groups == sorted(groups)
    assert len(set(groups)) == 4  # the opening, the two articles, the closing
    assert groups.count(1) >= 3  # the long article is several pieces
    for plan in plans[:-1]:
        assert segments[plan.end - 1].pause_after != Pause.NONE  # never inside a sentence
        full = round(DEFAULT_PAUSES[segments[plan.end - 1].pause_after] * PCM_RATE)
        assert plan.pauses[-1] == full - round(pieces.JOIN_SILENCE_S * PCM_RATE)
    assert (
        [(p.first, p.end) for p in plans] == [(a.first, a.end) for a in plans]
        and plans[0].first == 0
        and plans[-1].end == len(segments)
    )
    assert all(a.end == b.first for a, b in itertools.pairwise(plans))


def test_a_one_sentence_edit_reencodes_one_piece_of_a_long_article(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, _, _, before = build_edition(
        long_article_edition("最后一项工程明年开工。"), cache, tmp_path / "a.mp3"
    )
    path, chapters, timeline, after = build_edition(
        long_article_edition("最后一项工程后年开工。"), cache, tmp_path / "b.mp3"
    )
    assert len(after) == len(before) >= 4
    fresh = [i for i, piece in enumerate(after) if not piece.reused]
    article = [i for i, piece in enumerate(after) if piece.gain_db == after[fresh[0]].gain_db]
    if before[fresh[0]].gain_db == after[fresh[0]].gain_db:
        assert len(fresh) == 1  # the article's gain held: only the edited piece is new
    else:
        assert set(fresh) <= set(article)  # it moved a step: only that article's pieces
    # chapter and cue times still come from what was joined
    audio = decoded(path)
    assert abs(len(audio) / 44_100 - timeline.duration) < 0.001
    assert [t for _, _, t in ffmetadata_chapters(path)] == [c.title for c in chapters]


def planned_clips(
    tmp_path: Path, edition: Edition = EDITION
) -> tuple[list[pieces.PiecePlan], list]:
    """The edition's piece plans and its clips, synthesized one at a time."""
    profile = load_profile("offline")
    engine = get_engine("offline")
    segments = segment_script(edition_script(edition), lambda t: t, engine.info.max_chars)
    jobs = plan_jobs(segments, lambda s: profile.voice_for(s.role), lambda v: engine, "none")
    plans = pieces.plan_pieces(segments, [j.key for j in jobs], profile.pauses, PCM_RATE)
    return plans, synthesize_all(jobs, ClipCache(tmp_path / "clips"), workers=1)


def test_clips_metered_as_they_arrive_in_any_order(tmp_path: Path) -> None:
    """Clips handed over out of order (as parallel synthesis finishes them) are metered in
    order: the gains and the encoded pieces are those of clips handed over in order, and
    a second encoder finds every gain remembered."""
    plans, clips = planned_clips(tmp_path)

    def encode(order: list[int], folder: str) -> list[pieces.Piece]:
        encoder = pieces.PieceEncoder(plans, pieces.PieceCache(tmp_path / folder))
        for index in order:
            encoder.clip_ready(index, clips[index])
        return encoder.finish()

    in_order = encode(list(range(len(clips))), "a")
    shuffled = list(range(len(clips)))
    np.random.default_rng(5).shuffle(shuffled)
    out_of_order = encode(shuffled, "b")
    assert [(p.gain_db, p.input_lufs) for p in out_of_order] == [
        (p.gain_db, p.input_lufs) for p in in_order
    ]
    assert [p.path.read_bytes() for p in out_of_order] == [p.path.read_bytes() for p in in_order]
    again = encode(list(reversed(range(len(clips)))), "b")
    assert all(p.reused for p in again)


def test_the_opening_is_spoken_last_so_the_last_article_encodes_meanwhile(tmp_path: Path) -> None:
    """The voice speaks the opening last: the last article's pieces are encoded before
    the opening's clips come, and the edition's pieces still come out in its order."""
    plans, clips = planned_clips(tmp_path)
    opening = [
        i for i in range(len(clips)) if any(p.group == 0 and p.first <= i < p.end for p in plans)
    ]
    encoder = pieces.PieceEncoder(plans, pieces.PieceCache(tmp_path / "pieces"))
    order = encoder.synthesis_order()
    assert sorted(order) == list(range(len(clips)))
    assert order[-len(opening) :] == opening and order[: -len(opening)] == sorted(
        order[: -len(opening)]
    )
    for index in order[: -len(opening)]:
        encoder.clip_ready(index, clips[index])
    last_article = [p for p in plans if p.group == plans[-1].group]

    def encoded(plan: pieces.PiecePlan) -> bool:
        gain = encoder.cache.get_gain(plan.group_key)
        return (
            gain is not None and encoder.cache.get(pieces.piece_key(plan, gain.gain_db)) is not None
        )

    deadline = time.monotonic() + 60
    while not all(encoded(plan) for plan in last_article):
        assert time.monotonic() < deadline, "the last article waited for the opening"
        time.sleep(0.05)
    for index in opening:
        encoder.clip_ready(index, clips[index])
    done = encoder.finish()
    reference = pieces.PieceEncoder(plans, pieces.PieceCache(tmp_path / "reference"))
    for index, clip in enumerate(clips):
        reference.clip_ready(index, clip)
    assert [p.path.read_bytes() for p in done] == [p.path.read_bytes() for p in reference.finish()]


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_lowest_priority_holds_for_the_thread_and_the_ffmpeg_it_starts() -> None:
    seen: dict[str, int] = {}

    def child_policy() -> None:
        pieces.lowest_priority()
        seen["thread"] = os.sched_getscheduler(0)
        out = subprocess.run(
            [sys.executable, "-c", "import os; print(os.sched_getscheduler(0))"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        seen["child"] = int(out.stdout)

    worker = threading.Thread(target=child_policy)
    worker.start()
    worker.join()
    assert seen == {"thread": os.SCHED_IDLE, "child": os.SCHED_IDLE}
    assert os.sched_getscheduler(0) != os.SCHED_IDLE  # only that thread


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_pieces_wait_at_idle_priority_and_finish_at_normal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the voice speaks, pieces are encoded at idle priority; once it is done,
    the pieces not started yet are encoded at normal priority, with the same bytes."""
    plans, clips = planned_clips(tmp_path)
    reference = pieces.PieceEncoder(plans, pieces.PieceCache(tmp_path / "reference"))
    for index, clip in enumerate(clips):
        reference.clip_ready(index, clip)
    expected = [p.path.read_bytes() for p in reference.finish()]

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})  # one encoder thread
    release = threading.Event()
    ran: list[tuple[str, int]] = []
    encode = pieces.encode_piece

    def recorded(*args: object) -> pieces.Piece:
        ran.append((threading.current_thread().name, os.sched_getscheduler(0)))
        if threading.current_thread().name.startswith("encode-idle"):
            release.wait(timeout=30)  # the voice is "still speaking"
        return encode(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pieces, "encode_piece", recorded)
    metered: list[tuple[str, int]] = []
    feed = pieces.GroupMeter.feed

    def recorded_feed(self: pieces.GroupMeter, clip: object) -> None:
        metered.append((threading.current_thread().name, os.sched_getscheduler(0)))
        feed(self, clip)  # type: ignore[arg-type]

    monkeypatch.setattr(pieces.GroupMeter, "feed", recorded_feed)
    encoder = pieces.PieceEncoder(plans, pieces.PieceCache(tmp_path / "pieces"))
    for index, clip in enumerate(clips):
        encoder.clip_ready(index, clip)
    deadline = time.monotonic() + 30

    def wait_until(count: int) -> None:
        while len(ran) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    wait_until(1)  # the first piece has started while "speaking"
    finished: list[pieces.Piece] = []
    finishing = threading.Thread(target=lambda: finished.extend(encoder.finish()))
    finishing.start()
    wait_until(len(plans))
    release.set()
    finishing.join()
    idle = [policy for name, policy in ran if name.startswith("encode-idle")]
    normal = [policy for name, policy in ran if not name.startswith("encode-idle")]
    assert idle == [os.SCHED_IDLE]  # the one piece started while "speaking"
    assert normal and all(policy != os.SCHED_IDLE for policy in normal)
    assert [p.path.read_bytes() for p in finished] == expected
    assert len(metered) == len(clips)
    assert all((policy == os.SCHED_IDLE) == ("idle" in name) for name, policy in metered)


def frames(piece: pieces.Piece) -> tuple[float, bytes]:
    """A piece's gain and MP3 frames (its cache entry also notes the loudness measured)."""
    data = piece.path.read_bytes()
    return piece.gain_db, data[piece.audio_offset : piece.audio_offset + piece.audio_bytes]


def test_an_edited_piece_is_encoded_at_its_articles_earlier_gain_while_metering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit encodes its piece at the gain the article had before, beside the metering
    of the rest; when the metered gain is the same, that encode is the one used (the
    piece is encoded once, and is what encoding after metering would give); when the
    gain moved, the piece is encoded again at the new gain."""
    cache = tmp_path / "cache"
    _, _, _, before = build_edition(
        long_article_edition("最后一项工程明年完工。"), cache, tmp_path / "a.mp3"
    )
    edited = long_article_edition("最后一项工程明年年底完工。")
    encoded: list[str] = []
    encode = pieces.encode_piece

    def counted(
        plan: pieces.PiecePlan, clips: list, gain: pieces.Gain, cache: pieces.PieceCache
    ) -> pieces.Piece:
        if cache.get(pieces.piece_key(plan, gain.gain_db)) is None:
            encoded.append(pieces.piece_key(plan, gain.gain_db))
        return encode(plan, clips, gain, cache)

    monkeypatch.setattr(pieces, "encode_piece", counted)
    guessed = pieces.earlier_gain
    guesses: list[pieces.Gain | None] = []
    monkeypatch.setattr(
        pieces, "earlier_gain", lambda plans, c: guesses.append(guessed(plans, c)) or guesses[-1]
    )
    _, _, _, after = build_edition(edited, cache, tmp_path / "b.mp3")
    (guess,) = [g for g in guesses if g is not None]  # the edited article's, from before
    assert guess.gain_db in {p.gain_db for p in before}
    (changed,) = [p for p in after if not p.reused]
    if changed.gain_db == guess.gain_db:  # one sentence seldom moves an article by a step
        assert encoded == [changed.key]  # encoded once, on the guess
    # the same frames as encoding after metering gives
    fresh = tmp_path / "fresh"
    monkeypatch.setattr(pieces, "earlier_gain", lambda plans, c: None)
    _, _, _, again = build_edition(edited, fresh, tmp_path / "c.mp3")
    assert [frames(p) for p in again] == [frames(p) for p in after]

    # A wrong guess: the piece is encoded again at the metered gain.
    monkeypatch.setattr(
        pieces,
        "earlier_gain",
        lambda plans, c: pieces.Gain(-40.0, 9.5) if guessed(plans, c) else None,
    )
    encoded.clear()
    wrong = tmp_path / "wrong"
    shutil.copytree(cache, wrong)
    for gain_file in wrong.rglob("*.gain"):
        gain_file.unlink()  # metered again
    _, _, _, third = build_edition(edited, wrong, tmp_path / "d.mp3")
    assert [frames(p) for p in third] == [frames(p) for p in after]
    # What was encoded at the wrong gain left the cache: the next edit must not take it
    # for the article's gain.
    kept = pieces.PieceCache(wrong / "pieces")
    kept_pieces = [kept.get(path.stem) for path in kept.folder.rglob("*.piece")]
    assert kept_pieces and 9.5 not in {p.gain_db for p in kept_pieces if p}


def test_a_piece_on_a_guessed_gain_is_encoded_while_its_new_clip_is_spoken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edited article's piece starts encoding, at the article's earlier gain, on the
    clips before the edited one while that one is still being made; the result is the
    piece encoding after metering gives. A build that stops meanwhile stops the encoder."""
    plans, clips = planned_clips(tmp_path, long_article_edition("最后一项工程明年完工。"))
    group = max({p.group for p in plans}, key=lambda g: sum(p.group == g for p in plans))
    run = [p for p in plans if p.group == group]
    assert len(run) >= 2 and run[1].end - run[1].first >= 2
    edited = run[1].end - 1  # the last clip of the run's second piece: "being spoken"
    edited_piece = plans.index(run[1])
    # Cached clips first, the new one last, as a rebuild hands them over.
    order = [i for i in range(len(clips)) if i != edited] + [edited]

    reference_cache = pieces.PieceCache(tmp_path / "reference")
    reference = pieces.PieceEncoder(plans, reference_cache)
    for index in range(len(clips)):
        reference.clip_ready(index, clips[index])
    expected = reference.finish()

    def next_build() -> pieces.PieceCache:
        """The cache as an edit finds it: the article is metered again (no gains kept)
        and its edited piece is new; its other pieces are there at the earlier gain."""
        cache = pieces.PieceCache(tmp_path / "edit")
        shutil.rmtree(cache.folder, ignore_errors=True)
        shutil.copytree(reference_cache.folder, cache.folder)
        for gain_file in cache.folder.rglob("*.gain"):
            gain_file.unlink()
        cache.path_for(expected[edited_piece].key).unlink()
        return cache

    before_edited = threading.Event()
    pcm = pieces._pcm

    def reading(clip: Clip) -> bytes:
        encoding = threading.current_thread().name.startswith("encode-idle")  # not metering
        if encoding and clip is clips[edited - 1]:
            before_edited.set()  # the encoder has the clip before the edited one
        return pcm(clip)

    monkeypatch.setattr(pieces, "_pcm", reading)
    cache = next_build()
    encoder = pieces.PieceEncoder(plans, cache)
    for index in order[:-1]:
        encoder.clip_ready(index, clips[index])
    assert before_edited.wait(timeout=30), "the piece did not start before its new clip"
    encoder.clip_ready(edited, clips[edited])
    after = encoder.finish()
    assert [frames(p) for p in after] == [frames(p) for p in expected]
    assert not after[edited_piece].reused

    # Stopped while the piece waits on its new clip: the encoder lets go, nothing hangs,
    # nothing half-written is left.
    cache = next_build()
    before_edited.clear()
    encoder = pieces.PieceEncoder(plans, cache)
    for index in order[:-1]:
        encoder.clip_ready(index, clips[index])
    assert before_edited.wait(timeout=30)
    stopping = threading.Thread(target=encoder.cancel)
    stopping.start()
    stopping.join(timeout=30)
    assert not stopping.is_alive()
    left = [p.name for p in cache.folder.rglob("*") if p.is_file()]
    assert not [name for name in left if name.startswith(TEMP_PREFIX)]
    assert cache.get(expected[edited_piece].key) is None

    # A wrong guess whose piece was done before the gain was: it leaves the cache (a
    # later edit must not take it for the article's gain); the piece is encoded again.
    cache = next_build()
    wrong = pieces.Gain(-40.0, 9.5)
    assert wrong.gain_db not in {p.gain_db for p in expected}
    monkeypatch.setattr(pieces, "earlier_gain", lambda plans, c: wrong)
    wrong_key = pieces.piece_key(run[1], wrong.gain_db)
    gain = pieces.GroupMeter.gain

    def gain_once_guessed(self: pieces.GroupMeter) -> pieces.Gain:
        deadline = time.monotonic() + 30
        while self.plans == run and cache.get(wrong_key) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return gain(self)

    monkeypatch.setattr(pieces.GroupMeter, "gain", gain_once_guessed)
    encoder = pieces.PieceEncoder(plans, cache)
    for index in order:
        encoder.clip_ready(index, clips[index])
    after = encoder.finish()
    assert [frames(p) for p in after] == [frames(p) for p in expected]
    assert not cache.path_for(wrong_key).exists()
