"""A small local web server for the output folder: the page, the feed and the audio.

GET and HEAD, single byte ranges (what audio players and podcast apps use to seek),
the right MIME types, no directory listings and nothing outside the folder. Files are
streamed in chunks.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO, cast
from urllib.parse import unquote, urlsplit

from audiopaper.errors import InputError, OutputError

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
INDEX = "index.html"
MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".xml": "application/rss+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
HIDDEN_SUFFIXES = (".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal")
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class OutputFolderServer(ThreadingHTTPServer):
    """A threading HTTP server that knows the folder it serves."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], root: Path) -> None:
        self.root = root
        super().__init__(address, OutputFolderHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}/"


class OutputFolderHandler(BaseHTTPRequestHandler):
    """Serves the files under the server's ``root``."""

    protocol_version = "HTTP/1.1"
    server_version = "audiopaper"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _respond(self, send_body: bool) -> None:
        path = self._resolve(self.path)
        if path is None:
            self._status_only(HTTPStatus.NOT_FOUND)
            return
        try:
            handle = path.open("rb")
        except OSError:
            self._status_only(HTTPStatus.NOT_FOUND)
            return
        with handle:
            self._send_file(handle, path, send_body)

    def _resolve(self, raw: str) -> Path | None:
        """The file a request path names, or None when it is outside, hidden or missing."""
        root = cast(OutputFolderServer, self.server).root
        try:
            decoded = unquote(urlsplit(raw).path, errors="strict")
        except UnicodeDecodeError:
            return None
        if "\x00" in decoded or "\\" in decoded:
            return None
        parts = [p for p in decoded.split("/") if p]
        if any(p.startswith(".") for p in parts):  # "..", and hidden files
            return None
        candidate = root.joinpath(*parts)
        if candidate.is_dir():
            candidate = candidate / INDEX
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(root) or not resolved.is_file():
            return None
        if resolved.name.endswith(HIDDEN_SUFFIXES):
            return None
        return resolved

    def _send_file(self, handle: BinaryIO, path: Path, send_body: bool) -> None:
        # Stat the open file, not the name: a rebuild may replace the name meanwhile.
        stat = os.fstat(handle.fileno())
        size = stat.st_size
        try:
            span = parse_range(self.headers.get("Range"), size)
        except RangeNotSatisfiable:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start, end = span if span is not None else (0, size - 1)
        length = max(0, end - start + 1)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if span is not None else HTTPStatus.OK)
        if span is not None:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Type", mime_type(path))
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Last-Modified", formatdate(stat.st_mtime, usegmt=True))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if send_body:
            self._copy(handle, start, length)

    def _copy(self, handle: BinaryIO, start: int, length: int) -> None:
        handle.seek(start)
        remaining = length
        # A player that seeks drops its old request: that is not an error.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            while remaining > 0:
                chunk = handle.read(min(CHUNK, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)

    def _status_only(self, status: HTTPStatus) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class RangeNotSatisfiable(Exception):
    """The range starts past the end of the file (HTTP 416)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The byte span of a ``Range`` header as ``(first, last)``, or ``None`` to send the
    whole file (no header, one we do not handle, several ranges)."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return (max(0, size - suffix), size - 1)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # syntactically invalid: ignore the header
    if start >= size:
        raise RangeNotSatisfiable(header)
    return (start, end)


def mime_type(path: Path) -> str:
    return MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")


def make_server(folder: Path, port: int = 8000, host: str = "127.0.0.1") -> OutputFolderServer:
    """A server for ``folder``, bound but not yet serving: call ``serve_forever()`` (in a
    thread for tests; port 0 picks a free port, see ``url``)."""
    root = Path(folder).resolve()
    if not root.is_dir():
        raise InputError(f"no folder {folder} to serve", hint="build an edition first")
    try:
        server = OutputFolderServer((host, port), root)
    except OSError as exc:
        raise OutputError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="pick another port with --port",
        ) from exc
    return server


def serve(
    folder: Path,
    port: int = 8000,
    host: str = "127.0.0.1",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``folder`` until interrupted (Ctrl-C); ``on_ready`` gets the URL once bound."""
    server = make_server(folder, port, host)
    if on_ready is not None:
        on_ready(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
