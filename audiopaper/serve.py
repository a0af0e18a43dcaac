"""A small local web server for the output folder: the page, the feed and the audio.

GET, HEAD and CORS preflight; single byte ranges (what audio players and podcast apps
use to seek) with ``If-Range``; ``ETag``/``Last-Modified`` validators answered with 304;
CORS headers so web players elsewhere can fetch the feed, chapters and transcripts; the
right MIME types (``application/json+chapters`` for chapters); no directory listings and
nothing outside the folder or hidden (symlinks included). Files are streamed in chunks.

It holds up under load and abuse: a connection idle for ``IDLE_TIMEOUT`` seconds is
closed, the listen backlog is deep, connections beyond ``MAX_CONNECTIONS`` get a 503
rather than exhausting file descriptors, and when descriptors run out anyway accept()
backs off instead of spinning. Bad requests (a path of thousands of characters, a range
number of thousands of digits) get a 4xx, never a traceback; a client that hangs up is
one quiet log line.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import unquote, urlsplit

from audiopaper.errors import InputError, OutputError
from audiopaper.kept_regex import compile_kept

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
INDEX = "index.html"
IDLE_TIMEOUT = 30.0  # seconds a connection may stay silent (or stalled) before it is closed
LISTEN_BACKLOG = 1024  # the kernel caps it at net.core.somaxconn
MAX_CONNECTIONS = 1000  # beyond this, 503: file descriptors are finite
MAX_PATH_CHARS = 2048  # no file of ours has a longer URL
_ACCEPT_BACKOFF = 0.1  # seconds to wait when accept() fails for lack of descriptors
MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".xml": "application/rss+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}
# Podcasting 2.0 names this type for JSON chapters (the feed's podcast:chapters says so).
MIME_BY_NAME = {"chapters.json": "application/json+chapters"}
HIDDEN_SUFFIXES = (".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal")
NO_CORS_SUFFIXES = (".html",)  # the page itself is for browsing here, not embedding
_RANGE = compile_kept(r"bytes=(\d*)-(\d*)")
_MAX_DIGITS = 18  # any byte position we serve has fewer digits; more means "beyond the end"
_OUT_OF_DESCRIPTORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
_HANGUPS = (ConnectionError, TimeoutError)  # the client left or went silent


class OutputFolderServer(ThreadingHTTPServer):
    """A threading HTTP server that knows the folder it serves."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], root: Path) -> None:
        self.root = root
        self.max_connections = MAX_CONNECTIONS
        self._active = 0
        self._active_lock = threading.Lock()
        self._starved_since: float | None = None
        super().__init__(address, OutputFolderHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}/"

    @property
    def active_connections(self) -> int:
        with self._active_lock:
            return self._active

    def get_request(self) -> tuple[socket.socket, Any]:
        try:
            request = super().get_request()
        except OSError as exc:
            if exc.errno in _OUT_OF_DESCRIPTORS:
                # The listening socket stays readable: without a pause, the loop spins.
                if self._starved_since is None:
                    self._starved_since = time.monotonic()
                    log.warning("out of file descriptors; new connections wait")
                time.sleep(_ACCEPT_BACKOFF)
            raise
        self._starved_since = None
        return request

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._active_lock:
            full = self._active >= self.max_connections
            if not full:
                self._active += 1
        if full:
            _refuse_busy(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)  # type: ignore[misc]
        finally:
            self._release()

    def _release(self) -> None:
        with self._active_lock:
            self._active -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, never a traceback: a hang-up is routine, anything else is logged."""
        exc = sys.exc_info()[1]
        who = client_address[0] if isinstance(client_address, tuple) else client_address
        if isinstance(exc, _HANGUPS):
            log.info("%s closed the connection (%s)", who, type(exc).__name__)
        else:
            log.error("%s: request failed: %s: %s", who, type(exc).__name__, exc)
            log.debug("traceback", exc_info=exc)


def _refuse_busy(request: socket.socket) -> None:
    body = b"503 Service Unavailable: too many connections\n"
    head = (
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
    )
    try:
        request.settimeout(1.0)
        request.sendall(head.encode("ascii") + body)
    except OSError:
        pass


class OutputFolderHandler(BaseHTTPRequestHandler):
    """Serves the files under the server's ``root``."""

    protocol_version = "HTTP/1.1"
    server_version = "audiopaper"
    timeout = IDLE_TIMEOUT  # applied to the socket: idle and stalled connections end

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_OPTIONS(self) -> None:
        """A CORS preflight (a web player elsewhere asking to send Range)."""
        self.send_response(HTTPStatus.NO_CONTENT)
        self._cors_headers()
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header(
            "Access-Control-Allow-Headers", "Range, If-None-Match, If-Modified-Since, If-Range"
        )
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _respond(self, send_body: bool) -> None:
        raw_path = urlsplit(self.path).path
        if len(raw_path) > MAX_PATH_CHARS:
            self._status_only(HTTPStatus.REQUEST_URI_TOO_LONG)
            return
        path = self._resolve(raw_path)
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
        """The file a request path names, or None when it is outside, hidden or missing
        (also when a symlink leads to something hidden)."""
        root = cast(OutputFolderServer, self.server).root
        try:
            decoded = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return None
        if "\x00" in decoded or "\\" in decoded:
            return None
        parts = [p for p in decoded.split("/") if p]
        if any(p.startswith(".") for p in parts):  # "..", and hidden files
            return None
        try:
            candidate = root.joinpath(*parts)
            if candidate.is_dir():
                candidate = candidate / INDEX
            resolved = candidate.resolve(strict=True)
            if not resolved.is_relative_to(root) or not resolved.is_file():
                return None
        except (OSError, RuntimeError, ValueError):  # a name too long, a loop…
            return None
        inside = resolved.relative_to(root).parts
        if any(p.startswith(".") for p in inside) or resolved.name.endswith(HIDDEN_SUFFIXES):
            return None
        return resolved

    def _send_file(self, handle: BinaryIO, path: Path, send_body: bool) -> None:
        # Stat the open file, not the name: a rebuild may replace the name meanwhile.
        stat = os.fstat(handle.fileno())
        size = stat.st_size
        tag = entity_tag(stat)
        modified = formatdate(stat.st_mtime, usegmt=True)
        if self._not_modified(tag, int(stat.st_mtime)):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validator_headers(path, tag, modified)
            self.end_headers()
            return
        range_header = self.headers.get("Range")
        if range_header is not None and not self._if_range_holds(tag, int(stat.st_mtime)):
            range_header = None  # the file changed since the client's first part: all of it
        try:
            span = parse_range(range_header, size)
        except RangeNotSatisfiable:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", "0")
            self._cors_for(path)
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
        self._validator_headers(path, tag, modified)
        self.end_headers()
        if send_body:
            self._copy(handle, start, length)

    def _validator_headers(self, path: Path, tag: str, modified: str) -> None:
        self.send_header("ETag", tag)
        self.send_header("Last-Modified", modified)
        self.send_header("Cache-Control", "no-cache")  # revalidate: rebuilds change files
        self._cors_for(path)

    def _cors_for(self, path: Path) -> None:
        if not path.name.endswith(NO_CORS_SUFFIXES):
            self._cors_headers()

    def _cors_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header(
            "Access-Control-Expose-Headers",
            "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified",
        )

    def _not_modified(self, tag: str, mtime: int) -> bool:
        """If-None-Match (weak comparison), else If-Modified-Since."""
        none_match = self.headers.get("If-None-Match")
        if none_match is not None:
            wanted = {t.strip().removeprefix("W/") for t in none_match.split(",")}
            return "*" in wanted or tag in wanted
        since = _http_date(self.headers.get("If-Modified-Since"))
        return since is not None and mtime <= since

    def _if_range_holds(self, tag: str, mtime: int) -> bool:
        """If-Range: the range applies only to the version the client already has (strong
        comparison of the ETag, or the exact Last-Modified date)."""
        condition = self.headers.get("If-Range")
        if condition is None:
            return True
        condition = condition.strip()
        if condition.startswith(('"', "W/")):
            return condition == tag
        return _http_date(condition) == mtime

    def _copy(self, handle: BinaryIO, start: int, length: int) -> None:
        handle.seek(start)
        remaining = length
        try:
            while remaining > 0:
                chunk = handle.read(min(CHUNK, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)
        except _HANGUPS as exc:
            # A player that seeks drops its old request: that is not an error.
            self.close_connection = True
            log.info("%s closed the connection (%s)", self.address_string(), type(exc).__name__)

    def _status_only(self, status: HTTPStatus) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def entity_tag(stat: os.stat_result) -> str:
    """A strong validator: a rebuild writes a new file (new inode, time and size)."""
    return f'"{stat.st_ino:x}-{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def _http_date(value: str | None) -> int | None:
    """An HTTP date as whole seconds since the epoch, or None if absent or unreadable."""
    if not value or len(value) > 64:
        return None
    try:
        return int(parsedate_to_datetime(value).timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class RangeNotSatisfiable(Exception):
    """The range starts past the end of the file (HTTP 416)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The byte span of a ``Range`` header as ``(first, last)``, or ``None`` to send the
    whole file (no header, one we do not handle, several ranges). Numbers too long to
    be a position in any file count as "beyond the end", without converting them."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = _position(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return (max(0, size - suffix), size - 1)
    start = _position(first)
    end_asked = _position(last) if last else None
    if end_asked is not None and end_asked < start:
        return None  # syntactically invalid: ignore the header
    if start >= size:
        raise RangeNotSatisfiable(header)
    end = min(end_asked, size - 1) if end_asked is not None else size - 1
    return (start, end)


def _position(digits: str) -> int:
    stripped = digits.lstrip("0") or "0"
    return int(stripped) if len(stripped) <= _MAX_DIGITS else sys.maxsize


def mime_type(path: Path) -> str:
    return MIME_BY_NAME.get(path.name) or MIME_TYPES.get(
        path.suffix.lower(), "application/octet-stream"
    )


def make_server(folder: Path, port: int = 8000, host: str = "127.0.0.1") -> OutputFolderServer:
    """A server for ``folder``, bound but not yet serving: call ``serve_forever()`` (in a
    thread for tests; port 0 picks a free port, see ``url``)."""
    root = Path(folder).resolve()
    if not root.is_dir():
        raise InputError(f"no folder {folder} to serve", hint="build an edition first")
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port} is not a TCP port", hint="use 1–65535")
    try:
        server = OutputFolderServer((host, port), root)
    except (OSError, OverflowError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OutputError(
            f"cannot listen on {host}:{port}: {reason}",
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
