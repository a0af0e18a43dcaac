"""MPEG-1 Layer III frames: split an encoder's output into frames, read its LAME tag,
and write the one Info frame (Xing + LAME tag) that heads a file joined from pieces.

Pieces encoded separately start with an empty bit reservoir, so their frames can be
joined end to end; the Info frame then tells players the whole file's frame count, size
and the encoder delay and padding to drop for gapless timing.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from audiopaper.errors import OutputError

SAMPLES_PER_FRAME = 1152
_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_SAMPLE_RATES = (44_100, 48_000, 32_000)
_SIDE_INFO = {True: 17, False: 32}  # bytes of side information, mono / stereo
ENCODER_NAME = b"LAME3.100"
_LAME_CRC_POLY = 0xA001  # CRC-16 (ANSI, reflected), as in the LAME tag


@dataclass(frozen=True)
class Frames:
    """An encoder's output split into its Info frame (if any) and the audio frames."""

    info: bytes | None
    audio: bytes
    count: int
    sample_rate: int
    bitrate_kbps: int
    mono: bool


@dataclass(frozen=True)
class LameTag:
    delay: int  # encoder delay at the start, in samples
    padding: int  # samples of padding after the end


def _frame_length(header: int) -> tuple[int, int, int, bool]:
    """(length in bytes, sample rate, kbps, mono) of the frame with this 4-byte header."""
    if (header >> 21) & 0x7FF != 0x7FF or (header >> 19) & 3 != 3 or (header >> 17) & 3 != 1:
        raise OutputError("the encoder wrote something other than MPEG-1 Layer III frames")
    bitrate_index = (header >> 12) & 0xF
    rate_index = (header >> 10) & 3
    if bitrate_index in (0, 15) or rate_index == 3:
        raise OutputError("the encoder wrote an MP3 frame with a bad header")
    kbps = _BITRATES_KBPS[bitrate_index]
    rate = _SAMPLE_RATES[rate_index]
    padding = (header >> 9) & 1
    mono = (header >> 6) & 3 == 3
    return 144_000 * kbps // rate + padding, rate, kbps, mono


def split_frames(data: bytes) -> Frames:
    """Split MP3 data (no ID3 tag) into frames; the first is kept apart when it is a
    Xing/Info frame."""
    offsets = []
    position = 0
    rate = kbps = 0
    mono = True
    while position < len(data):
        if position + 4 > len(data):
            raise OutputError("the encoder's MP3 ends inside a frame header")
        (header,) = struct.unpack_from(">I", data, position)
        length, rate, kbps, mono = _frame_length(header)
        offsets.append(position)
        position += length
    if position != len(data) or not offsets:
        raise OutputError("the encoder's MP3 ends inside a frame")
    first_end = offsets[1] if len(offsets) > 1 else len(data)
    if _is_info_frame(data[:first_end], mono):
        return Frames(data[:first_end], data[first_end:], len(offsets) - 1, rate, kbps, mono)
    return Frames(None, data, len(offsets), rate, kbps, mono)


def _is_info_frame(frame: bytes, mono: bool) -> bool:
    start = 4 + _SIDE_INFO[mono]
    return frame[start : start + 4] in (b"Xing", b"Info")


def read_lame_tag(info: bytes, mono: bool) -> LameTag:
    """Encoder delay and padding from an Info frame's LAME tag."""
    offset = _lame_offset(mono) + 21  # after version, revision, lowpass, gains, flags, bitrate
    if len(info) < offset + 3:
        raise OutputError("the encoder's Info frame has no LAME tag")
    packed = int.from_bytes(info[offset : offset + 3], "big")
    return LameTag(delay=packed >> 12, padding=packed & 0xFFF)


def _lame_offset(mono: bool) -> int:
    # header, side info, "Info", flags, frames, bytes, 100-byte TOC, quality
    return 4 + _SIDE_INFO[mono] + 4 + 4 + 4 + 4 + 100 + 4


def info_frame(template: bytes, mono: bool, frames: int, audio_bytes: int, tag: LameTag) -> bytes:
    """An Info frame for a whole file, made from a piece's own (same bitrate, rate and
    encoder): frame count, byte count (the Info frame included, as LAME counts), a
    constant-bitrate seek table, delay and padding, and the tag's CRC."""
    frame = bytearray(template)
    base = 4 + _SIDE_INFO[mono]
    frame[base : base + 4] = b"Info"
    flags = int.from_bytes(frame[base + 4 : base + 8], "big")
    if flags & 0x7 != 0x7:
        raise OutputError("the encoder's Info frame lacks frame count, size or seek table")
    total_bytes = len(frame) + audio_bytes
    frame[base + 8 : base + 12] = frames.to_bytes(4, "big")
    frame[base + 12 : base + 16] = total_bytes.to_bytes(4, "big")
    frame[base + 16 : base + 116] = bytes(i * 256 // 100 for i in range(100))  # linear: CBR
    lame = _lame_offset(mono)
    # libavcodec signs the tag "Lavc…", which only ffmpeg reads; the encoder is LAME
    # 3.100, and under that name mutagen and other readers honour the delay and padding.
    frame[lame : lame + 9] = ENCODER_NAME
    frame[lame + 21 : lame + 24] = ((tag.delay << 12) | tag.padding).to_bytes(3, "big")
    frame[lame + 28 : lame + 32] = total_bytes.to_bytes(4, "big")  # music length
    # The music CRC covers audio the players never check it against; zero says "none".
    frame[lame + 32 : lame + 36] = bytes(4)
    # As LAME and ffmpeg write it: over the frame's first 190 bytes, this field zeroed.
    frame[lame + 34 : lame + 36] = _crc16(bytes(frame[:190])).to_bytes(2, "big")
    return bytes(frame)


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ _LAME_CRC_POLY if crc & 1 else crc >> 1
    return crc
