"""The local server, over real sockets: GET, HEAD, byte ranges, MIME types, traversal."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from audiopaper.errors import InputError
from audiopaper.serve import OutputFolderServer, make_server, parse_range

AUDIO = bytes(range(256)) * 40  # 10240 bytes


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "2026-11-26").mkdir(parents=True)
    (root / "2026-11-26" / "2026-11-26.mp3").write_bytes(AUDIO)
    (root / "index.html").write_text("<!doctype html><title>t</title>", "utf-8")
    (root / "feed.xml").write_text("<rss/>", "utf-8")
    for name in ("chapters.json", "transcript.vtt", "transcript.srt", "cover.png"):
        (root / "2026-11-26" / name).write_bytes(b"x")
    (root / "episodes.sqlite").write_bytes(b"db")
    (root / ".cache").mkdir()
    (root / ".cache" / "secret").write_bytes(b"s")
    (tmp_path / "outside.txt").write_text("secret", "utf-8")
    return root


@pytest.fixture
def server(site: Path) -> Iterator[OutputFolderServer]:
    srv = make_server(site, port=0)
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


def _request(
    server: OutputFolderServer,
    path: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> tuple[http.client.HTTPResponse, bytes]:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


MP3 = "/2026-11-26/2026-11-26.mp3"


def test_get_serves_the_whole_file(server: OutputFolderServer) -> None:
    response, body = _request(server, MP3)
    assert response.status == 200
    assert body == AUDIO
    assert response.getheader("Content-Length") == str(len(AUDIO))
    assert response.getheader("Accept-Ranges") == "bytes"
    assert response.getheader("Content-Type") == "audio/mpeg"


def test_head_sends_headers_only(server: OutputFolderServer) -> None:
    response, body = _request(server, MP3, "HEAD")
    assert response.status == 200
    assert body == b""
    assert response.getheader("Content-Length") == str(len(AUDIO))


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=100-199", 100, 199),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-40", 10200, 10239),
        ("bytes=10200-99999", 10200, 10239),
        ("bytes=0-0", 0, 0),
    ],
)
def test_ranges_give_206_with_the_right_bytes(
    server: OutputFolderServer, header: str, first: int, last: int
) -> None:
    response, body = _request(server, MP3, headers={"Range": header})
    assert response.status == 206
    assert body == AUDIO[first : last + 1]
    assert response.getheader("Content-Range") == f"bytes {first}-{last}/{len(AUDIO)}"
    assert response.getheader("Content-Length") == str(last - first + 1)


def test_head_with_a_range(server: OutputFolderServer) -> None:
    response, body = _request(server, MP3, "HEAD", {"Range": "bytes=0-9"})
    assert (response.status, body, response.getheader("Content-Length")) == (206, b"", "10")


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=99999-100000", "bytes=-0"])
def test_unsatisfiable_ranges_give_416(server: OutputFolderServer, header: str) -> None:
    response, _ = _request(server, MP3, headers={"Range": header})
    assert response.status == 416
    assert response.getheader("Content-Range") == f"bytes */{len(AUDIO)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-1", "bytes=9-3", "bytes=-"])
def test_ranges_we_do_not_handle_send_the_whole_file(
    server: OutputFolderServer, header: str
) -> None:
    response, body = _request(server, MP3, headers={"Range": header})
    assert (response.status, body) == (200, AUDIO)


@pytest.mark.parametrize(
    ("path", "mime"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/feed.xml", "application/rss+xml; charset=utf-8"),
        ("/2026-11-26/chapters.json", "application/json+chapters"),
        ("/2026-11-26/transcript.vtt", "text/vtt; charset=utf-8"),
        ("/2026-11-26/transcript.srt", "application/x-subrip; charset=utf-8"),
        ("/2026-11-26/cover.png", "image/png"),
        ("/feed.xml?cache=1", "application/rss+xml; charset=utf-8"),
    ],
)
def test_mime_types(server: OutputFolderServer, path: str, mime: str) -> None:
    response, _ = _request(server, path)
    assert response.status == 200
    assert response.getheader("Content-Type") == mime


@pytest.mark.parametrize(
    "path",
    [
        "/../outside.txt",
        "/%2e%2e/outside.txt",
        "/2026-11-26/../../outside.txt",
        "/2026-11-26/%2E%2E/%2e%2e/outside.txt",
        "/..%2foutside.txt",
        "/%2e%2e%5coutside.txt",
        "/.cache/secret",
        "/episodes.sqlite",
        "/2026-11-26/",  # a folder without index.html: no listing
        "/missing.mp3",
        "/%ff%fe",
        "/index.html%00.png",
    ],
)
def test_nothing_outside_hidden_or_listed(server: OutputFolderServer, path: str) -> None:
    response, body = _request(server, path)
    assert response.status in (403, 404)
    assert b"secret" not in body


def test_a_symlink_out_of_the_folder_is_refused(site: Path, server: OutputFolderServer) -> None:
    (site / "link.txt").symlink_to(site.parent / "outside.txt")
    response, _ = _request(server, "/link.txt")
    assert response.status == 404


def test_keep_alive_serves_several_requests(server: OutputFolderServer) -> None:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    for header in ("bytes=0-9", "bytes=10-19"):
        connection.request("GET", MP3, headers={"Range": header})
        response = connection.getresponse()
        assert response.status == 206 and len(response.read()) == 10
    connection.close()


def test_parse_range_edges() -> None:
    assert parse_range(None, 10) is None
    assert parse_range("bytes=-100", 10) == (0, 9)
    assert parse_range(" bytes=2-3 ", 10) == (2, 3)


def test_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        make_server(tmp_path / "nope", port=0)


def test_url_names_the_bound_port(server: OutputFolderServer) -> None:
    assert server.url == f"http://127.0.0.1:{server.server_address[1]}/"
