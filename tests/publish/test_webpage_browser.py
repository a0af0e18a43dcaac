"""The web page in a real headless Chromium: play, jump to a chapter by keyboard alone,
and check that the transcript follows."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from audiopaper.publish import FeedConfig, publish_edition
from audiopaper.serve import OutputFolderServer, make_server
from publish.editions import NOW, MakeEpisode

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--autoplay-policy=no-user-gesture-required",
]
CHAPTER_TITLES = ["开篇：本期导读", "头版：新规发布", "经济：数据回暖", "国际：会谈举行"]
SECONDS = 8.0  # four chapters of two seconds, two cues each

pytestmark = pytest.mark.slow


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install the Debian package (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def site(make_episode: MakeEpisode, out_dir: Path) -> Iterator[str]:
    episode = make_episode(dt.date(2026, 11, 26), seconds=SECONDS, titles=CHAPTER_TITLES)
    publish_edition(out_dir, episode, FeedConfig(), now=NOW)
    server: OutputFolderServer = make_server(out_dir, port=0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_keyboard_chapter_jump_and_transcript_highlight(site: str, tmp_path: Path) -> None:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(site)
            page.wait_for_function("document.querySelector('audio').readyState >= 1")

            page.keyboard.press("k")  # focus on the page body: shortcuts are off there
            page.wait_for_timeout(300)
            assert page.evaluate("document.querySelector('audio').paused")

            _tab_to(page, "audio")  # the player has the focus: now they work
            page.keyboard.press("k")
            page.wait_for_function("!document.querySelector('audio').paused")

            _tab_to(page, ".chapters li:nth-child(3) button")
            page.keyboard.press("Enter")
            page.wait_for_function(
                "(() => { const a = document.querySelector('audio');"
                " return !a.seeking && Math.abs(a.currentTime - 4.0) < 0.5; })()"
            )
            state = page.evaluate(
                """() => {
                    const t = document.querySelector('audio').currentTime;
                    const cues = [...document.querySelectorAll('.transcript li')];
                    const expected = cues.filter(li => +li.dataset.start <= t + 0.05).pop();
                    const now = '[aria-current="true"]';
                    const current = document.querySelectorAll('.transcript li' + now);
                    const chapter = document.querySelector('.chapters button' + now);
                    return {
                        time: t,
                        paused: document.querySelector('audio').paused,
                        current: [...current].map(li => li.textContent),
                        expected: expected && expected.textContent,
                        hasClass: current.length === 1 && current[0].classList.contains('current'),
                        chapter: chapter && chapter.textContent,
                    };
                }"""
            )
            assert abs(state["time"] - 4.0) < 0.5, state
            assert state["current"] == [state["expected"]] == ["第3章第一句：经济：数据回暖。"]
            assert state["hasClass"], state
            assert state["chapter"] == "00:04经济：数据回暖"
            assert not state["paused"]

            _check_media_session(page, "经济：数据回暖")

            page.keyboard.press("Escape")
            page.evaluate("document.activeElement.blur()")
            page.evaluate("document.querySelector('audio').pause()")
            before = page.evaluate("document.querySelector('audio').currentTime")
            page.keyboard.press("n")  # from the page body: nothing happens
            page.wait_for_timeout(300)
            assert page.evaluate("document.querySelector('audio').currentTime") == before

            page.focus(".chapters li:nth-child(1) button")
            page.keyboard.press("n")  # next chapter, from inside the player
            page.wait_for_function(
                "Math.abs(document.querySelector('audio').currentTime - 6.0) < 0.5"
            )
            _check_media_session(page, "国际：会谈举行")
            _check_favicon_draws(page)

            _check_track_parses(page)
            page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
        finally:
            browser.close()


def _check_favicon_draws(page: Page) -> None:
    """Chromium decodes the inline icon as an image of the masthead red."""
    colour = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const img = new Image();
            img.onload = () => {
                const canvas = document.createElement('canvas');
                canvas.width = canvas.height = 64;
                const g = canvas.getContext('2d');
                g.drawImage(img, 0, 0, 64, 64);
                resolve([...g.getImageData(4, 32, 1, 1).data]);
            };
            img.onerror = () => reject(new Error('the favicon does not decode'));
            img.src = document.querySelector('link[rel=icon]').href;
        })"""
    )
    assert colour == [0x9E, 0x1B, 0x1B, 255]


def _check_media_session(page: Page, chapter: str) -> None:
    """What a lock screen shows: the current chapter, the episode and the show."""
    page.wait_for_function(
        f"navigator.mediaSession.metadata && navigator.mediaSession.metadata.title === {chapter!r}"
    )
    metadata = page.evaluate(
        """() => { const m = navigator.mediaSession.metadata;
            return {artist: m.artist, album: m.album, art: m.artwork.map(a => a.src)}; }"""
    )
    assert metadata["artist"] == "示例日报 2026年11月26日"
    assert metadata["album"] == "有声报纸"
    (art,) = metadata["art"]
    assert re.search(r"/2026-11-26/cover-[0-9a-f]{12}\.png$", art), art


def _check_track_parses(page: Page) -> None:
    """Chromium's own WebVTT parser reads transcript.vtt: eight cues, text unescaped."""
    page.evaluate("document.querySelector('track').track.mode = 'hidden'")
    page.wait_for_function("document.querySelector('track').readyState === 2")
    cues = page.evaluate(
        "[...document.querySelector('track').track.cues].map(c => [c.startTime, c.text])"
    )
    assert len(cues) == 8
    assert cues[4] == [4.0, "第3章第一句：经济：数据回暖。"]


def _tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_missing_chromium_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        _need_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _need_chromium()
