"""Fixtures for the catalogue tests: real file bytes and a small form."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def _png_bytes(width: int = 1, height: int = 1) -> bytes:
    """A real, decodable PNG (grey pixels), built from its chunks."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = _png_bytes()


@pytest.fixture
def pdf_upload():
    return SimpleUploadedFile("justificatif.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def png_upload():
    return SimpleUploadedFile("photo.png", PNG_BYTES, content_type="image/png")


@pytest.fixture
def fake_pdf_upload():
    """A text file that only pretends to be a PDF by its name and declared type."""
    return SimpleUploadedFile(
        "facture.pdf", b"Bonjour, ceci n'est pas un PDF.\n", content_type="application/pdf"
    )
