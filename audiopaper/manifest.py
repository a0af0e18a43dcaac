"""``edition.json``: what a finished edition is made of and how it measured.

Written last, after every other file of the edition, so its presence means the
edition is complete. Its fingerprint lets a rebuild with nothing changed skip both
synthesis and encoding and leave every file byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from audiopaper.fsutil import atomic_write_text
from audiopaper.models import Chapter, Cue

MANIFEST_NAME = "edition.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Manifest:
    fingerprint: str
    duration_s: float
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    loudness: dict[str, float]  # measured input and output loudness
    files: dict[str, str]  # file name -> sha256, to notice a file changed under us
    segments: int
    notes: tuple[str, ...] = ()  # what could not be spoken, repeated by no-op rebuilds

    def to_json(self) -> str:
        data = asdict(self)
        data["format"] = FORMAT_VERSION
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def fingerprint(parts: dict[str, Any]) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    path = folder / MANIFEST_NAME
    atomic_write_text(path, manifest.to_json())
    return path


def read_manifest(folder: Path) -> Manifest | None:
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT_VERSION:
            return None
        return Manifest(
            fingerprint=data["fingerprint"],
            duration_s=float(data["duration_s"]),
            chapters=tuple(Chapter(**c) for c in data["chapters"]),
            cues=tuple(Cue(**c) for c in data["cues"]),
            loudness={k: float(v) for k, v in data["loudness"].items()},
            files=dict(data["files"]),
            segments=int(data["segments"]),
            notes=tuple(data.get("notes", ())),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_intact(folder: Path, manifest: Manifest) -> bool:
    """Every file the manifest lists is there with the same content."""
    for name, digest in manifest.files.items():
        path = folder / name
        if not path.is_file() or file_digest(path) != digest:
            return False
    return True
