from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from audiopaper.errors import InputError, PublishError
from audiopaper.publish import registry
from publish.editions import MakeEpisode

D1, D2, D3 = dt.date(2026, 11, 24), dt.date(2026, 11, 25), dt.date(2026, 11, 26)


def test_upsert_then_list_newest_first(make_episode: MakeEpisode, out_dir: Path) -> None:
    for date in (D2, D1, D3):
        registry.upsert(out_dir, make_episode(date))
    records = registry.list_episodes(out_dir)
    assert [r.date for r in records] == [D3, D2, D1]
    first = records[0]
    assert first.audio_file == "2026-11-26/2026-11-26.mp3"
    assert first.cover_file == "2026-11-26/cover.png"
    assert first.chapters_file == "2026-11-26/chapters.json"
    assert first.pub_date.isoformat() == "2026-11-26T06:00:00+08:00"
    assert first.built_at.tzinfo is not None


def test_a_record_round_trips(make_episode: MakeEpisode, out_dir: Path) -> None:
    episode = make_episode(D1, description="今日要闻")
    stored = registry.upsert(out_dir, episode)
    assert registry.list_episodes(out_dir) == [stored]
    assert stored.chapters == episode.chapters
    assert stored.cues == episode.cues
    assert stored.audio_bytes == episode.audio_bytes > 0


def test_rebuild_replaces_the_row_and_keeps_the_guid(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    first = registry.upsert(out_dir, make_episode(D1))
    rebuilt = registry.upsert(out_dir, make_episode(D1, seconds=2.0, title="改过的标题"))
    (only,) = registry.list_episodes(out_dir)
    assert only.title == "改过的标题"
    assert only.duration_s == 2.0
    assert only.guid == first.guid == rebuilt.guid
    assert only.guid == registry.episode_guid("示例日报", "2026-11-24")


def test_a_stored_guid_wins_over_a_derived_one(make_episode: MakeEpisode, out_dir: Path) -> None:
    registry.upsert(out_dir, make_episode(D1))
    with sqlite3.connect(out_dir / registry.DB_NAME) as db:
        db.execute("UPDATE episodes SET guid = 'legacy-guid'")
    db.close()
    assert registry.upsert(out_dir, make_episode(D1)).guid == "legacy-guid"


def test_guids_differ_between_editions() -> None:
    assert registry.episode_guid("示例日报", "2026-11-24") != registry.episode_guid(
        "示例日报", "2026-11-25"
    )
    assert registry.episode_guid("甲报", "2026-11-24") != registry.episode_guid(
        "乙报", "2026-11-24"
    )


def test_remove_deletes_the_row_and_the_folder(make_episode: MakeEpisode, out_dir: Path) -> None:
    registry.upsert(out_dir, make_episode(D1))
    registry.upsert(out_dir, make_episode(D2))
    removal = registry.remove(out_dir, "2026-11-24")
    assert removal.record.edition_id == "2026-11-24"
    assert out_dir / "2026-11-24" in removal.deleted
    assert out_dir / "2026-11-24" / "2026-11-24.mp3" in removal.deleted
    assert not (out_dir / "2026-11-24").exists()
    assert [r.edition_id for r in registry.list_episodes(out_dir)] == ["2026-11-25"]


def test_remove_can_keep_the_files(make_episode: MakeEpisode, out_dir: Path) -> None:
    registry.upsert(out_dir, make_episode(D1))
    removal = registry.remove(out_dir, "2026-11-24", delete_files=False)
    assert removal.deleted == ()
    assert (out_dir / "2026-11-24" / "2026-11-24.mp3").is_file()
    assert registry.list_episodes(out_dir) == []


def test_remove_of_an_unknown_edition_says_so(out_dir: Path) -> None:
    with pytest.raises(InputError, match="no edition"):
        registry.remove(out_dir, "2020-01-01")


@pytest.mark.parametrize("bad", ["../etc", "..", "a/b", "", "日期", ".hidden", "a b"])
def test_unsafe_edition_ids_are_refused(bad: str, out_dir: Path) -> None:
    with pytest.raises(InputError):
        registry.remove(out_dir, bad)


def test_audio_outside_the_output_folder_is_refused(
    make_episode: MakeEpisode, tmp_path: Path
) -> None:
    episode = make_episode(D1)
    with pytest.raises(PublishError, match="not inside"):
        registry.upsert(tmp_path / "elsewhere", episode)


def test_listing_an_empty_folder_creates_nothing(tmp_path: Path) -> None:
    assert registry.list_episodes(tmp_path) == []
    assert not (tmp_path / registry.DB_NAME).exists()


def test_a_naive_build_time_is_taken_as_utc(make_episode: MakeEpisode, out_dir: Path) -> None:
    episode = dataclasses.replace(make_episode(D1), built_at=dt.datetime(2026, 1, 1, 8, 0))
    assert registry.upsert(out_dir, episode).built_at.tzinfo is not None
