"""Put the stamp into a PNG as an iTXt chunk (UTF-8), so the file itself says what it shows."""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def with_text(png: bytes, key: str, text: str) -> bytes:
    """The PNG with an uncompressed iTXt chunk key=text right after its header chunk."""
    if not png.startswith(SIGNATURE):
        raise ValueError("not a PNG")
    header_end = len(SIGNATURE) + 8 + struct.unpack(">I", png[8:12])[0] + 4  # IHDR: length, type, body, CRC
    # keyword, NUL, compression flag 0, method 0, no language tag, NUL, no translated keyword, NUL, text
    body = key.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
    return png[:header_end] + _chunk(b"iTXt", body) + png[header_end:]
