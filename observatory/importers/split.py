"""Cutting a large file in two halves at a line break, for two connections to read at once (direct.py)."""

import threading
from dataclasses import dataclass

from django.conf import settings

from .common import CHUNK

# Files from this size on (bytes) are imported on two connections; a setting so that tests can split
# a small file. Below it, the second connection and its round trips cost more than they save.
SPLIT_SETTING = "OBSERVATORY_IMPORT_SPLIT_BYTES"
SPLIT_BYTES = 8 << 20


@dataclass
class Split:
    offset: int  # the first byte of the second half, at the start of a line
    lines_before: int  # the file's lines before it, header included


def split_point(handle, size: int, threshold: int | None = None) -> Split | None:
    """A line boundary near the middle of the file, or None when the file is small or holds quotes
    in its first half (a quoted field may hold a line break: line numbers would drift). Reads the first
    half in chunks, not at once."""
    threshold = getattr(settings, SPLIT_SETTING, SPLIT_BYTES) if threshold is None else threshold
    handle.seek(0)
    handle.readline()
    body = handle.tell()
    if size - body < max(threshold, 2):
        return None
    handle.seek(body + (size - body) // 2)
    handle.readline()
    offset = handle.tell()
    if offset >= size:
        return None
    handle.seek(0)
    lines = 0
    while handle.tell() < offset:
        chunk = handle.read(min(CHUNK, offset - handle.tell()))
        if not chunk or b'"' in chunk:
            return None
        lines += chunk.count(b"\n")
    return Split(offset, lines)


class SharedFile:
    """One file read by both threads: each read seeks first, under a lock."""

    def __init__(self, handle):
        self.handle = handle
        self.lock = threading.Lock()

    def chunks(self, start: int, end: int):
        position = start
        while position < end:
            with self.lock:
                self.handle.seek(position)
                chunk = self.handle.read(min(CHUNK, end - position))
            if not chunk:
                return
            position += len(chunk)
            yield chunk
