"""Writes small Outlook .msg files (Compound File Binary, [MS-CFB] version 3, with MAPI properties as
[MS-OXMSG] lays them out) for the .msg import tests: olefile only reads, and no .msg may be shipped."""

from __future__ import annotations

import struct
from datetime import datetime, timezone

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _filetime(when: datetime) -> bytes:
    delta = when - datetime(1601, 1, 1, tzinfo=timezone.utc)
    return struct.pack("<Q", (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10)


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` ("storage/stream" paths, one storage level at most)."""
    # Directory: root, storages, streams; each storage's children chained through right siblings.
    entries = [{"name": "Root Entry", "type": 5, "children": []}]
    storages: dict[str, dict] = {}
    for path, data in streams.items():
        parent = entries[0]
        if "/" in path:
            folder, name = path.split("/", 1)
            if folder not in storages:
                storages[folder] = {"name": folder, "type": 1, "children": []}
                entries.append(storages[folder])
                entries[0]["children"].append(storages[folder])
            parent = storages[folder]
        else:
            name = path
        entry = {"name": name, "type": 2, "data": data, "children": []}
        entries.append(entry)
        parent["children"].append(entry)
    for i, e in enumerate(entries):
        e["id"] = i
    mini_stream, minifat = bytearray(), []
    big = []
    for e in entries:
        if e["type"] != 2:
            continue
        data = e["data"]
        if len(data) < CUTOFF:
            e["start"] = len(mini_stream) // MINI if data else END
            count = -(-len(data) // MINI)
            minifat += [len(minifat) + k + 1 for k in range(count - 1)] + ([END] if count else [])
            mini_stream += data + b"\0" * (count * MINI - len(data))
        else:
            big.append(e)
    sectors: list[bytes] = []
    fat: list[int] = []

    def allocate(data: bytes) -> int:
        count = max(1, -(-len(data) // SECTOR))
        start = len(sectors)
        for k in range(count):
            sectors.append(data[k * SECTOR:(k + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(start + k + 1 if k < count - 1 else END)
        return start

    entries[0]["start"] = allocate(bytes(mini_stream)) if mini_stream else END
    entries[0]["data"] = bytes(mini_stream)
    for e in big:
        e["start"] = allocate(e["data"])
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_start = allocate(minifat_bytes.ljust(-(-len(minifat_bytes) // SECTOR) * SECTOR, b"\xff")) \
        if minifat else END
    minifat_count = -(-len(minifat_bytes) // SECTOR)
    directory = bytearray()
    for e in entries:
        kids = e["children"]
        e.setdefault("child", kids[0]["id"] if kids else NOSTREAM)
        for a, b in zip(kids, kids[1:]):
            a["right"] = b["id"]
    for e in entries:
        name = e["name"].encode("utf-16-le") + b"\0\0"
        size = len(e.get("data", b"")) if e["type"] != 1 else 0
        directory += struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e["type"], 1, NOSTREAM,
                                 e.get("right", NOSTREAM), e.get("child", NOSTREAM), b"\0" * 16, 0, 0, 0,
                                 e.get("start", 0) if e["type"] != 1 else 0, size)
    directory += b"\0" * (-len(directory) % SECTOR)
    dir_start = allocate(bytes(directory))
    fat_count = 1
    while fat_count * (SECTOR // 4) < len(sectors) + fat_count:
        fat_count += 1
    fat_start = len(sectors)
    fat += [FATSECT] * fat_count
    fat += [FREE] * (fat_count * SECTOR // 4 - len(fat))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    for k in range(fat_count):
        sectors.append(fat_bytes[k * SECTOR:(k + 1) * SECTOR])
    difat = [fat_start + k for k in range(fat_count)] + [FREE] * (109 - fat_count)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\0" * 6, 0, fat_count, dir_start, 0, CUTOFF, minifat_start, minifat_count,
                         END, 0)
    header += b"".join(struct.pack("<I", v) for v in difat)
    return header + b"".join(sectors)


def outlook_message(*, sender: str, sender_name: str, subject: str, body: str, delivered: datetime,
                    message_id: str | None = None, headers: str | None = None,
                    attachments: tuple[tuple[str, str, bytes], ...] = (), embedded: int = 0) -> bytes:
    """A received message as Outlook saves it (Unicode string properties)."""
    def text(prop: int, value: str) -> tuple[str, bytes]:
        return f"__substg1.0_{prop:04X}001F", value.encode("utf-16-le")

    streams = dict([text(0x0037, subject), text(0x0C1A, sender_name), text(0x0C1E, "SMTP"), text(0x0C1F, sender),
                    text(0x5D01, sender), text(0x1000, body)])
    if message_id:
        streams.update([text(0x1035, message_id)])
    if headers:
        streams.update([text(0x007D, headers)])
    props = struct.pack("<8sIIII8s", b"\0" * 8, 0, len(attachments) + embedded, 0, len(attachments) + embedded,
                        b"\0" * 8)
    props += struct.pack("<II8s", (0x0E06 << 16) | 0x0040, 6, _filetime(delivered))
    streams["__properties_version1.0"] = props
    for i, (filename, mime, data) in enumerate(attachments):
        folder = f"__attach_version1.0_#{i:08X}"
        streams[f"{folder}/__properties_version1.0"] = b"\0" * 8
        streams[f"{folder}/__substg1.0_3707001F"] = filename.encode("utf-16-le")
        streams[f"{folder}/__substg1.0_370E001F"] = mime.encode("utf-16-le")
        streams[f"{folder}/__substg1.0_37010102"] = data
    for j in range(embedded):
        folder = f"__attach_version1.0_#{len(attachments) + j:08X}"
        streams[f"{folder}/__properties_version1.0"] = b"\0" * 8
        streams[f"{folder}/__substg1.0_3707001F"] = "forwarded.msg".encode("utf-16-le")
    return compound_file(streams)
