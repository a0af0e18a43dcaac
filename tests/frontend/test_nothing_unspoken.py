"""The symbols news pages use are read by the normalizer, so the offline voice says them;
what no one can read is reported with its position, in `plan` and in the build notes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from audiopaper.frontend import Frontend
from audiopaper.normalize import normalize

READ_ALOUD = [
    "水质为Ⅱ类，启动Ⅲ级响应",
    "出生率6.4‰",
    "气温≤5℃，误差±2",
    "①加强管理②完善制度",
    "面积90㎡，全长3㎞，容积5m³",
    "排放CO₂约20万吨",
    "5+2模式",
    "联系@新闻中心",
    "1~3天",
    "约10³个",
    "研发&创新",
    "α粒子和β射线",
    "ＧＤＰ增长",
    "网址www.example.com",
]


@pytest.mark.parametrize("written", READ_ALOUD)
def test_normalized_symbols_reach_the_voice_as_speech(written: str) -> None:
    spoken = normalize(written)
    assert Frontend().phonemes(spoken).unvoiced == (), spoken


def test_plan_names_what_cannot_be_said_and_where(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# 测试报 2024年5月6日\n\n## 行情\n\n指数↑，欢迎😀光临。\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "audiopaper", "plan", str(page), "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (line,) = json.loads(done.stdout)["unspoken"]
    assert line.endswith("not spoken: ↑ at 2, 😀 at 6")
