"""The text of a PDF that WeasyPrint wrote, for tests: no PDF reader is installed, and this
one only needs what WeasyPrint produces (Flate streams, object streams, Type 0 fonts with a
ToUnicode map). Lines are joined with newlines, text runs within a line with nothing."""

from __future__ import annotations

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*)endstream", re.S)
TOKEN = re.compile(
    rb"/([\w.+-]+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|(\bTm\b|\bTd\b|\bET\b)", re.S
)


def _objects(pdf: bytes) -> dict[int, bytes]:
    found: dict[int, bytes] = {}
    for number, body in OBJECT.findall(pdf):
        stream = STREAM.search(body)
        data = body
        if stream:
            raw = stream.group(1).rstrip(b"\r\n")
            data = zlib.decompress(raw) if b"/FlateDecode" in body[: stream.start()] else raw
            if b"/ObjStm" in body[: stream.start()]:
                first = int(re.search(rb"/First (\d+)", body).group(1))
                header = data[:first].split()
                offsets = [(int(header[i]), int(header[i + 1])) for i in range(0, len(header), 2)]
                for i, (inner, offset) in enumerate(offsets):
                    end = offsets[i + 1][1] if i + 1 < len(offsets) else len(data) - first
                    found[inner] = data[first + offset : first + end]
                continue
        found[int(number)] = data
    return found


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start = int(dst, 16)
            for code in range(int(lo, 16), int(hi, 16) + 1):
                mapping[code] = chr(start + code - int(lo, 16))
    return mapping


def pdf_text(pdf: bytes) -> str:
    objects = _objects(pdf)
    fonts: dict[bytes, dict[int, str]] = {}
    for data in objects.values():  # every « /Name N 0 R » naming a font with a ToUnicode map
        for name, ref in re.findall(rb"/([\w.+-]+)\s+(\d+) 0 R", data):
            unicode_ref = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(ref), b""))
            if unicode_ref:
                fonts[name] = _cmap(objects.get(int(unicode_ref.group(1)), b""))
    out: list[str] = []
    for data in objects.values():
        if b" Tf" not in data or b"BT" not in data:
            continue
        current: dict[int, str] = {}
        for font, array, single, move in TOKEN.findall(data):
            if font:
                current = fonts.get(font, {})
            elif move:
                out.append("\n")
            else:
                for run in re.findall(rb"<([0-9a-fA-F]*)>", array) if array else [single]:
                    text = run.decode()
                    out.extend(
                        current.get(int(text[i : i + 4], 16), "") for i in range(0, len(text), 4)
                    )
    return re.sub(r"\n+", "\n", "".join(out))
