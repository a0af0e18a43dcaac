"""Editions keep their sources, and `rebuild` makes them again from those: twenty tiny
editions with the real offline voice, a one-word lexicon fix, checked through the
files, the feed (feedparser) and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from relexicon import reading_fix

from audiopaper import __version__
from audiopaper.pipeline import BuildOptions, build
from audiopaper.profiles import voices_dir
from audiopaper.rebuild import (
    PENDING_NAME,
    RebuildOptions,
    dry_run_all,
    rebuild,
)
from audiopaper.sources import read_sources, source_folder

pytestmark = pytest.mark.slow

WORD = "单先生"
FIX = reading_fix(WORD)  # a one-word fix: the word now reads differently
EDITIONS = 20
WITH_WORD = {2, 7, 11, 15, 19}  # editions whose body holds the word
HEADLINE = "社区新闻"
DAYS = "一二三四五六七八九十"


def page(number: int) -> str:
    """A one-sentence edition; every body differs so no two share a clip."""
    day = DAYS[number % 10] + ("号楼" if number < 10 else "单元")
    who = f"{WORD}和邻居" if number in WITH_WORD else "几位邻居"
    return f"# 江城晚报\n\n## {HEADLINE}\n\n{day}的{who}一起打扫了楼道。\n"


def edition_id(number: int) -> str:
    return (dt.date(2024, 1, 1) + dt.timedelta(days=number)).isoformat()


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty editions built once; tests work on copies (with the clip cache)."""
    root = tmp_path_factory.mktemp("catalogue")
    pages = root / "pages"
    pages.mkdir()
    out = root / "out"
    for number in range(EDITIONS):
        path = pages / f"page-{number}.md"
        path.write_text(page(number), encoding="utf-8")
        date = dt.date.fromisoformat(edition_id(number))
        build(BuildOptions(input_path=path, out_dir=out, date=date))
    shutil.rmtree(pages)  # a rebuild needs only what the editions kept
    return out


@pytest.fixture
def out(catalogue: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(catalogue, copy)
    return copy


@pytest.fixture
def fix(tmp_path: Path) -> Path:
    path = tmp_path / "fix.toml"
    path.write_text(FIX, encoding="utf-8")
    return path


def test_an_edition_keeps_what_made_it(catalogue: Path) -> None:
    folder = catalogue / edition_id(2)
    kept = read_sources(folder)
    assert kept is not None
    assert (kept.paper, kept.date, kept.page_format) == ("江城晚报", dt.date(2024, 1, 3), "auto")
    assert kept.pages == ("pages/page-2.md",)  # its own name: readers use it
    assert kept.audiopaper_version == __version__
    source = source_folder(folder)
    assert (source / kept.pages[0]).read_text("utf-8") == page(2)
    # the profile's content, not its name
    assert (source / kept.voice_file).read_bytes() == (voices_dir() / "offline.toml").read_bytes()
    assert kept.lexicon_file is None
    assert [s.source_text for s in kept.segments][-2] == f"三号楼的{WORD}和邻居一起打扫了楼道。"
    # written before edition.json, which marks the edition complete
    last_source = max(p.stat().st_mtime_ns for p in source.iterdir())
    assert last_source <= (folder / "edition.json").stat().st_mtime_ns


def test_gb18030_page_is_kept_as_utf8(tmp_path: Path) -> None:
    from audiopaper.pipeline import plan
    from audiopaper.sources import keep_build_sources
    from audiopaper.synthesize import plan_jobs

    text = "# 江城晚报 2024年2月1日\n\n## 公园开放\n\n公园今天开放。\n"
    path = tmp_path / "page.md"
    path.write_bytes(text.encode("gb18030"))
    options = BuildOptions(input_path=path, out_dir=tmp_path / "out")
    the_plan = plan(options)
    jobs = plan_jobs(
        the_plan.segments,
        lambda s: the_plan.profile.voice,
        lambda v: next(iter(the_plan.engines.values())),
        "x",
    )
    files = keep_build_sources(tmp_path / "edition", options, the_plan, jobs)
    kept_page = next(p for p in files if p.parent.name == "pages")
    assert kept_page.read_text("utf-8") == text


def test_dry_run_on_an_unchanged_folder_says_zero(out: Path) -> None:
    found = dry_run_all(RebuildOptions(out_dir=out, everything=True))
    assert not found.failed and not found.unknown
    assert len(found.changes) == EDITIONS
    assert all(c.up_to_date and c.to_synthesize == 0 for c in found.changes)


def test_one_word_fix_resynthesizes_exactly_the_segments_holding_it(
    out: Path, fix: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_before = feedparser.parse(str(out / "feed.xml"))
    guids = {e.link: e.id for e in feed_before.entries}
    options = RebuildOptions(out_dir=out, everything=True, lexicon=fix)
    expected = {edition_id(n): (1 if n in WITH_WORD else 0) for n in range(EDITIONS)}

    planned = dry_run_all(options)
    assert {c.edition_id: c.to_synthesize for c in planned.changes} == expected
    for change in planned.changes:
        assert change.reasons == ({"tones": 1} if expected[change.edition_id] else {})

    refreshes = count_site_refreshes(monkeypatch)
    done = rebuild(options)
    assert not done.failed
    assert {i: r.synthesized for i, r in done.rebuilt} == expected
    assert refreshes == [1]  # the feed is republished once, at the end
    assert not (out / PENDING_NAME).exists()

    feed = feedparser.parse(str(out / "feed.xml"))
    assert {e.link: e.id for e in feed.entries} == guids  # podcast apps see the same episodes
    for entry in feed.entries:
        enclosure = entry.enclosures[0]
        audio = out / enclosure.href.split("/")[-2] / enclosure.href.split("/")[-1]
        assert int(enclosure.length) == audio.stat().st_size
        manifest = json.loads((audio.parent / "edition.json").read_text("utf-8"))
        assert entry.itunes_duration == str(round(manifest["duration_s"]))
    # the fix is now each edition's own: a plain rebuild keeps it and does nothing
    again = dry_run_all(RebuildOptions(out_dir=out, everything=True))
    assert all(c.up_to_date for c in again.changes)


def test_dry_run_names_text_and_voice_changes(out: Path) -> None:
    kept = kept_page(out, 0)
    kept.write_text(page(0).replace("打扫了楼道", "清扫了楼道"), encoding="utf-8")
    found = dry_run_all(RebuildOptions(out_dir=out, edition_ids=(edition_id(0),)))
    assert [(c.to_synthesize, c.reasons) for c in found.changes] == [(1, {"text": 1})]

    brisk = dry_run_all(
        RebuildOptions(out_dir=out, edition_ids=(edition_id(1),), voice="offline-brisk")
    )
    (change,) = brisk.changes
    assert change.to_synthesize == change.segments
    assert change.reasons == {"voice": change.segments}


def test_old_editions_are_left_alone_and_one_failure_stops_nothing(out: Path, fix: Path) -> None:
    old = out / edition_id(3)
    shutil.rmtree(source_folder(old))  # as built before editions kept their sources
    before = {p.name: p.read_bytes() for p in old.iterdir()}
    broken = kept_page(out, 7)
    broken.write_text("   \n", encoding="utf-8")

    done = rebuild(RebuildOptions(out_dir=out, everything=True, lexicon=fix))
    assert done.unknown == [edition_id(3)]
    assert [i for i, _e in done.failed] == [edition_id(7)]
    assert done.exit_code == 1
    rebuilt = {i: r.synthesized for i, r in done.rebuilt}
    assert len(rebuilt) == EDITIONS - 2
    assert sum(rebuilt.values()) == len(WITH_WORD) - 1
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before


def test_an_interrupted_rebuild_resumes(
    out: Path, fix: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = RebuildOptions(out_dir=out, everything=True, lexicon=fix)

    class StopAtSecondSynthesis:
        seen = 0

        def stage(self, name: str, total: int | None = None) -> None:
            if name.endswith("Synthesizing"):
                self.seen += 1
                if self.seen == 2:
                    raise KeyboardInterrupt

        def advance(self, amount: int = 1) -> None:
            pass

        def note(self, message: str) -> None:
            pass

    with pytest.raises(KeyboardInterrupt):
        rebuild(options, StopAtSecondSynthesis())
    assert (out / PENDING_NAME).exists()
    refreshes = count_site_refreshes(monkeypatch)
    done = rebuild(options)
    synthesized = {i: r.synthesized for i, r in done.rebuilt}
    assert synthesized[edition_id(2)] == 0  # finished before the interruption
    assert sum(synthesized.values()) == len(WITH_WORD) - 1
    assert refreshes == [1] and not (out / PENDING_NAME).exists()


def test_cli_rebuild(out: Path) -> None:
    shutil.rmtree(source_folder(out / edition_id(3)))
    (source_folder(out / edition_id(5)) / "voice.toml").write_text("nonsense = [", "utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "audiopaper", "rebuild", "--all", "--dry-run", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr
    lines = dict(line.split("\t") for line in run.stdout.splitlines())
    assert len(lines) == EDITIONS - 1
    first = read_sources(out / edition_id(0))
    assert first is not None
    count = len(first.segments)
    assert lines[edition_id(0)] == f"0 of {count} segments to synthesize; up to date"
    assert lines[edition_id(3)].startswith("source unknown")
    assert f"audiopaper: error: {edition_id(5)}: voice profile" in run.stderr
    assert "1 edition(s) failed" in run.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "audiopaper", "rebuild", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert usage.returncode == 1
    assert "give either edition ids or --all" in usage.stderr
    bad_voice = subprocess.run(
        [
            sys.executable,
            "-m",
            "audiopaper",
            "rebuild",
            "--all",
            "--voice",
            "nope",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert bad_voice.returncode == 1
    assert bad_voice.stderr.count("unknown voice profile 'nope'") == 1
    unknown = subprocess.run(
        [sys.executable, "-m", "audiopaper", "rebuild", "1999-01-01", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert unknown.returncode == 1 and "no edition 1999-01-01" in unknown.stderr


def count_site_refreshes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the feed and page are rewritten (the real function still runs)."""
    import audiopaper.publish as publish

    calls = [0]
    real = publish.refresh_site

    def counting(*args: object, **kwargs: object) -> list[Path]:
        calls[0] += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "refresh_site", counting)
    return calls


def kept_page(out: Path, number: int) -> Path:
    kept = read_sources(out / edition_id(number))
    assert kept is not None
    return source_folder(out / edition_id(number)) / kept.pages[0]
