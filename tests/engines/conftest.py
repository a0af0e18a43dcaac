"""Fixtures for the engine tests: the fake edge-tts service lives in tests/edge_server.py."""

from edge_server import edge_server

__all__ = ["edge_server"]
