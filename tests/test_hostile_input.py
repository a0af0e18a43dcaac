"""Hostile input is refused before synthesis with a one-line error (or read correctly),
never an internal error, an hour of wasted work, or text silently lost: dates, chapter
counts, endless files, deep nesting, giant numbers, base URLs, terminal escapes, Markdown
comments, deep indentation, and a broken or hostile edge service."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
from edge_server import EdgeServer, edge_server  # noqa: F401 - the fixture

import audiopaper.parse.markdown as markdown
from audiopaper.cache import ClipCache, cache_key
from audiopaper.engines.base import Voice
from audiopaper.engines.edge import EdgeEngine, RetryPolicy, Timeouts
from audiopaper.errors import ConfigError, EngineError, InputError
from audiopaper.lexicon import Lexicon
from audiopaper.models import Boundary
from audiopaper.parse.markdown import parse_markdown
from audiopaper.pipeline import BuildOptions, plan
from audiopaper.profiles import load_profile

TINY = "# 江城晚报 2024年7月1日\n\n## 夜市重新开放\n\n夜市共有80个摊位。\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audiopaper", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert result.returncode == code, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("audiopaper: error:")
    for needle in needles:
        assert needle in result.stderr


# -- dates and chapter limits, before synthesis ------------------------------------------


@pytest.mark.parametrize("date", ["0001-01-01", "1799-12-31", "9999-12-31"])
def test_dates_no_feed_can_carry_are_refused(tmp_path: Path, date: str) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    result = run_cli("build", str(page), "--out", str(tmp_path / "out"), "--date", date)
    one_line_error(result, 1, "outside what a podcast feed can carry")
    assert not (tmp_path / "out").exists()


def test_a_page_dated_out_of_range_is_refused_by_the_plan(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    with pytest.raises(InputError, match="podcast feed"):
        plan(BuildOptions(input_path=page, out_dir=tmp_path / "out", date=dt.date(1, 1, 1)))


def test_too_many_articles_are_refused_and_dry_run_says_so(tmp_path: Path) -> None:
    articles = "".join(f"## 第{n}条消息\n\n这是第{n}条消息的正文。\n\n" for n in range(1, 261))
    page = write(tmp_path / "in" / "many.md", "# 江城晚报 2024年7月1日\n\n" + articles)
    result = run_cli("build", str(page), "--out", str(tmp_path / "out"), "--dry-run")
    one_line_error(result, 1, "260 articles", "at most 250", "ID3")


# -- bounded reads, bounded nesting, giant numbers -----------------------------------------


def test_an_endless_file_as_page_or_lexicon_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="larger than"):
        plan(BuildOptions(input_path=Path("/dev/zero"), out_dir=tmp_path / "out"))
    page = write(tmp_path / "in" / "tiny.md", TINY)
    with pytest.raises(ConfigError, match="larger than"):
        Lexicon.load(Path("/dev/zero"))
    result = run_cli("build", str(page), "--lexicon", "/dev/zero", "--dry-run")
    one_line_error(result, 1, "larger than")
    with open("/dev/zero", "rb") as endless:
        normalized = subprocess.run(
            [sys.executable, "-m", "audiopaper", "normalize"],
            stdin=endless,
            capture_output=True,
            text=True,
            timeout=120,
        )
    one_line_error(normalized, 1, "standard input")


@pytest.mark.parametrize(
    "nesting", ["[" * 100_000 + "]" * 100_000, "{a=" * 50_000 + "1" + "}" * 50_000]
)
def test_deeply_nested_toml_is_a_config_error(tmp_path: Path, nesting: str) -> None:
    profile = write(tmp_path / "deep.toml", f"name = 'deep'\nx = {nesting}\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_profile(profile)
    lexicon = write(tmp_path / "lexicon.toml", f"x = {nesting}\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        Lexicon.load(lexicon)


def test_a_number_of_thousands_of_digits_is_refused_not_a_crash(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "n.md", TINY + f"\n共{'7' * 4400}人参加。\n")
    result = run_cli("build", str(page), "--out", str(tmp_path / "out"), "--dry-run")
    one_line_error(result, 1, "4,400 digits")
    line = write(tmp_path / "line.txt", "9" * 5000 + "\n")
    one_line_error(run_cli("normalize", str(line)), 1, "5,000 digits")


def test_long_but_plausible_numbers_are_still_read(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "n.md", TINY + "\n编号" + "3" * 40 + "。\n")
    the_plan = plan(BuildOptions(input_path=page, out_dir=tmp_path / "out"))
    assert any("三" * 40 in s.spoken_text for s in the_plan.segments)


# -- base URL, empty folders, labels -----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("http://example.org/a b/", "spaces, quotes"),
        ('http://example.org/"onclick=x', "spaces, quotes"),
        ("http://example.org/\n<evil>", "spaces, quotes"),
        ("https://user:secret@example.org/paper/", "password"),
        ("ftp://example.org/", "http(s)"),
        ("http:///nohost", "http(s)"),
        ("http://example.org:99999/", "not a valid URL"),
        ("http://example.org/?a=1", "query"),
    ],
)
def test_bad_base_urls_are_refused(tmp_path: Path, url: str, needle: str) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    result = run_cli("build", str(page), "--base-url", url, "--dry-run")
    one_line_error(result, 1, needle)
    assert "secret" not in result.stderr or "password" in result.stderr
    out = tmp_path / "site"
    out.mkdir()
    one_line_error(run_cli("feed", "--out", str(out), "--base-url", url), 1, needle)
    assert not (out / "feed.xml").exists()


@pytest.mark.parametrize("option", ["--out", "--cache"])
def test_an_empty_folder_option_is_refused(tmp_path: Path, option: str) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    work = tmp_path / "work"
    work.mkdir()
    result = run_cli("build", str(page), option, "", cwd=work)
    assert result.returncode == 1
    assert "empty folder name" in result.stderr and "Traceback" not in result.stderr
    assert list(work.iterdir()) == []  # nothing written into the current folder


def test_terminal_escapes_and_bidi_controls_never_reach_titles(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    hostile = "江城\x1b[2J\x1b]0;pwned\x07晚\u202e报\u2066"
    the_plan = plan(BuildOptions(input_path=page, out_dir=tmp_path / "o", paper=hostile))
    assert the_plan.edition.paper == "江城 [2J ]0;pwned 晚报"
    result = run_cli("plan", str(page), "--paper", hostile)
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout


# -- Markdown: comments and indentation --------------------------------------------------


def test_a_stray_comment_opener_never_swallows_articles() -> None:
    page = (
        "# 江城晚报 2024年7月1日\n\n## 审批改革<!--试点\n\n办理流程：申请-->审核-->办结。\n\n"
        "## 第二篇\n\n第二篇正文。\n\n## 第三篇\n\n第三篇正文。<!-- 编者注 -->完。\n"
    )
    drafts = parse_markdown(page).drafts
    assert [d.title for d in drafts] == ["审批改革<!--试点", "第二篇", "第三篇"]
    body = [p.text for d in drafts for p in d.paragraphs]
    assert body == ["办理流程：申请-->审核-->办结。", "第二篇正文。", "第三篇正文。完。"]


def test_real_comments_are_still_removed() -> None:
    page = (
        "# 江城晚报 2024年7月1日\n\n<!--\n## 撤下的稿件\n\n不要读。\n-->\n\n## 留下的\n\n"
        "正文。<!-- 行内注释 -->续。\n\n<!-- 一行的注释 -->\n\n<!-- 没有结尾的开头\n\n末段。\n"
    )
    drafts = parse_markdown(page).drafts
    assert [d.title for d in drafts] == ["留下的"]
    assert [p.text for p in drafts[0].paragraphs] == ["正文。续。", "<!-- 没有结尾的开头", "末段。"]


class CountingPattern:
    """A compiled pattern that counts the characters it is handed, and whether any of
    them starts with whitespace (which a quadratic ``\\s*…\\s*`` pattern would rescan)."""

    def __init__(self, pattern: object, tally: dict[str, int]) -> None:
        self._pattern = pattern
        self._tally = tally

    def __getattr__(self, name: str) -> object:
        method = getattr(self._pattern, name)

        def counted(text: str, *args: object, **kwargs: object) -> object:
            self._tally["chars"] += len(text)
            self._tally["indented"] += bool(text[:1].isspace())
            return method(text, *args, **kwargs)

        return counted


LINE_PATTERNS = ("_HEADING", "_RULE", "_FENCE", "_REFERENCE", "_QUOTE", "_LIST_MARK")


def nested_list(items: int, depth: int) -> str:
    lines = ["# 江城晚报 2024年7月1日", "", "## 清单", ""]
    lines += [" " * (4 * (n % depth)) + f"- 第{n}项" for n in range(items)]
    return "\n".join(lines) + "\n"


def test_line_patterns_never_rescan_indentation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Structural check: each line's indentation is cut once, so the line patterns see
    no leading whitespace and, in all, a bounded multiple of the page's characters."""
    tally = {"chars": 0, "indented": 0}
    for name in LINE_PATTERNS:
        monkeypatch.setattr(markdown, name, CountingPattern(getattr(markdown, name), tally))
    text = nested_list(2_000, depth=500)  # up to 2,000 spaces of indentation a line
    drafts = parse_markdown(text).drafts
    assert len(drafts[0].paragraphs) == 2_000
    assert tally["indented"] == 0
    # a handful of patterns a line, each over the line's text, never its indentation
    assert tally["chars"] <= len(LINE_PATTERNS) * len(text.replace(" ", ""))


def test_a_large_nested_list_parses_in_linear_time() -> None:
    """Sanity bound only (the structural check above is the real one): 4 MB of nested
    list took hours when indentation was rescanned; linear, it takes about a second."""
    import time

    text = nested_list(4_000, depth=500)
    assert len(text) > 4_000_000
    began = time.process_time()
    drafts = parse_markdown(text).drafts
    assert len(drafts[0].paragraphs) == 4_000
    assert time.process_time() - began < 60


@pytest.mark.parametrize("run", ["[", "![", "*", "_"])
def test_a_line_of_unmatched_syntax_parses_in_linear_time(run: str) -> None:
    """Sanity bound: 2 MB of unmatched ``[`` took about a minute when link text could
    run over other brackets (300 characters rescanned at each); now about a second."""
    import time

    text = "# 江城晚报 2024年7月1日\n\n## 标题\n\n" + run * (2_000_000 // len(run)) + "\n"
    began = time.process_time()
    parse_markdown(text)
    assert time.process_time() - began < 20


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "p-2024-07-01.txt",
            "江城晚报\n2024年7月1日 星期一\n\n号码公布\n\n本报讯 今天公布了本期的中奖号码，"
            "号码是1 2 3\n4 5 6，请记住。中奖者请在三十天内到指定地点兑奖，逾期视为自动放弃。\n",
        ),
        ("p.md", "# 江城晚报 2024年7月1日\n\n## 号码\n\n今天的号码是\n1 2 3\n4 5 6\n请记住。\n"),
    ],
)
def test_digits_on_consecutive_lines_stay_apart(tmp_path: Path, name: str, text: str) -> None:
    page = write(tmp_path / "in" / name, text)
    spoken = "".join(s.spoken_text for s in plan(BuildOptions(page, tmp_path / "o")).segments)
    assert "三十四" not in spoken
    assert "三 四" in spoken


# -- the edge service: replies checked before caching ------------------------------------

XIAOXIAO = Voice(engine="edge", name="zh-CN-XiaoxiaoNeural")
TEXT = "今天天气很好。我们去公园散步吧！"


@pytest.fixture
def engine() -> EdgeEngine:
    return EdgeEngine(
        retry=RetryPolicy(attempts=3, base=0.01, cap=0.02),
        timeouts=Timeouts(connect=2, receive=2, voices=5.0, check=2.0),
        rng=random.Random(3),
    )


@pytest.mark.parametrize("fault", ["nan-timing", "negative-timing", "oversized"])
def test_a_hostile_reply_is_retried_then_the_honest_one_kept(
    edge_server: EdgeServer,  # noqa: F811
    engine: EdgeEngine,
    fault: str,
) -> None:
    edge_server.fail(fault, times=1)
    result = engine.synthesize(TEXT, XIAOXIAO)
    assert edge_server.faults_served == [(1, fault)]
    assert all(math.isfinite(b.offset + b.duration) and b.offset >= 0 for b in result.boundaries)
    assert result.duration < 10


@pytest.mark.parametrize("fault", ["nan-timing", "oversized"])
def test_a_service_that_keeps_lying_is_reported_never_cached(
    edge_server: EdgeServer,  # noqa: F811
    engine: EdgeEngine,
    fault: str,
) -> None:
    edge_server.fail(fault, times=None)
    with pytest.raises(EngineError, match="implausible reply"):
        engine.synthesize(TEXT, XIAOXIAO)
    assert edge_server.requests == 3


def test_a_poisoned_cache_entry_is_treated_as_missing(tmp_path: Path) -> None:
    """An entry written by a version that trusted a NaN is synthesized again, so one
    bad reply never breaks every later build."""
    from audiopaper import cache as clip_cache

    store = ClipCache(tmp_path / "clips")
    key = cache_key({"text": "x"})
    pcm = b"\x00\x01" * 2400
    meta = json.dumps({"boundaries": [[0.0, math.nan, "好。"]], "notes": []}).encode()
    assert b"NaN" in meta
    body = meta + pcm
    header = clip_cache._HEADER.pack(
        clip_cache._MAGIC, 24_000, len(pcm) // 2, len(meta), hashlib.sha256(body).digest()
    )
    path = store.path_for(key)
    path.parent.mkdir(parents=True)
    path.write_bytes(header + body)  # well-formed, checksum right, timing NaN
    assert store.get(key) is None
    with pytest.raises(EngineError, match="not finite"):
        store.put(key, pcm, 24_000, (Boundary(0.0, math.nan, "好。"),))
    assert store.put(key, pcm, 24_000, (Boundary(0.0, 0.1, "好。"),)) == store.get(key)


# -- misleading messages -----------------------------------------------------------------


def test_a_lock_that_is_a_folder_says_so(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    out = tmp_path / "out"
    (out / ".audiopaper.lock").mkdir(parents=True)
    result = run_cli("build", str(page), "--out", str(out))
    one_line_error(result, 3, "lock file", "is a folder")
    assert "cannot create the output folder" not in result.stderr


def test_an_unreadable_model_cache_entry_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audiopaper.engines import offline

    monkeypatch.setenv("AUDIOPAPER_MODEL_CACHE", str(tmp_path / "models"))
    raw = offline._assets().acoustic.read_bytes()
    source = hashlib.sha256(raw).hexdigest()[:16]
    entry = tmp_path / "models" / f"fastspeech2-{source}-{offline.GRAPH_VERSION}-0000.tflite"
    entry.mkdir(parents=True)  # a folder where the model file should be: unreadable
    offline._patched_acoustic_model.cache_clear()
    try:
        model = offline._patched_acoustic_model()
    finally:
        offline._patched_acoustic_model.cache_clear()
    assert model[4:8] == b"TFL3"


class LyingEngine:
    """An engine (a third-party plugin, say) that answers with a bad clip."""

    def __init__(self, how: str) -> None:
        from audiopaper.engines import EngineInfo

        self.how = how
        self.info = EngineInfo("liar", "1", 100, max_chars=100, hard_max_chars=100)

    def check_available(self) -> None:
        pass

    def voices(self) -> list[str]:
        return ["v"]

    def set_pinyin_overrides(self, overrides: dict[str, list[str]]) -> None:
        pass

    def synthesize(self, text: str, voice: Voice) -> object:
        import numpy as np

        from audiopaper.engines.base import Synthesis

        samples = np.full(100, 0.1, dtype=np.float32)  # one second at 100 Hz
        if self.how == "too-long":
            return Synthesis(np.full(100 * 3600, 0.1, dtype=np.float32), 100)  # an hour
        if self.how == "nan-samples":
            samples[5] = np.nan
            return Synthesis(samples, 100)
        return Synthesis(samples, 100, boundaries=(Boundary(math.inf, 0.1, text),))


@pytest.mark.parametrize("how", ["too-long", "nan-samples", "inf-timing"])
def test_any_engines_bad_clip_is_refused_before_caching(tmp_path: Path, how: str) -> None:
    from audiopaper.models import Role, Segment
    from audiopaper.synthesize import Job, synthesize_all

    engine = LyingEngine(how)
    segment = Segment("五个字的话", "五个字的话", Role.BODY, 0, 0)
    job = Job(segment, Voice(engine="liar", name="v"), engine, cache_key({"how": how}))  # type: ignore[arg-type]
    cache = ClipCache(tmp_path / "clips")
    with pytest.raises(EngineError, match="not cached"):
        synthesize_all([job], cache, workers=1)
    assert not list((tmp_path / "clips").rglob("*.clip"))
