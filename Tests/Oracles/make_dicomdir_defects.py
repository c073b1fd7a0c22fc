#!/usr/bin/env python3
"""Makes defective DICOMDIRs for the tolerant reader's tests, by editing offset values with pydicom
(value lengths stay the same, so every other offset stays right).

Usage:
  make_dicomdir_defects.py wrong-offsets IN OUT   first STUDY record's Lower-Level offset -> +6
                                                  (inside a record, not at an item start)
  make_dicomdir_defects.py loop IN OUT            last IMAGE record's Next offset -> the first
                                                  IMAGE record of the same chain (a loop)
  make_dicomdir_defects.py big N OUT              a DICOMDIR of N records (1 PATIENT, 1 STUDY,
                                                  1 SERIES, N-3 IMAGE) referencing absent files,
                                                  written as raw Explicit VR Little Endian bytes
Prints JSON {"edited_offset": ..., "value": ...} (or {"records": N}).
"""
import json
import struct
import sys

from pydicom import dcmread


def edit(mode, src, dst):
    ds = dcmread(src)
    recs = ds.DirectoryRecordSequence
    if mode == "wrong-offsets":
        study = next(r for r in recs if r.DirectoryRecordType == "STUDY")
        value = study.OffsetOfReferencedLowerLevelDirectoryEntity + 6
        study.OffsetOfReferencedLowerLevelDirectoryEntity = value
        edited = study.seq_item_tell
    else:
        images = [r for r in recs if r.DirectoryRecordType == "IMAGE"]
        # the last record of the first chain of images (its Next offset is 0)
        first = images[0]
        chain = [first]
        by_offset = {r.seq_item_tell: r for r in recs}
        while chain[-1].OffsetOfTheNextDirectoryRecord:
            chain.append(by_offset[chain[-1].OffsetOfTheNextDirectoryRecord])
        chain[-1].OffsetOfTheNextDirectoryRecord = first.seq_item_tell
        edited, value = chain[-1].seq_item_tell, first.seq_item_tell
    ds.save_as(dst, enforce_file_format=True)
    print(json.dumps({"edited_offset": edited, "value": value}))


def element(group, elem, vr, value):
    if vr in ("SQ", "OB", "UN"):
        return struct.pack("<HH2sHI", group, elem, vr.encode(), 0, len(value)) + value
    return struct.pack("<HH2sH", group, elem, vr.encode(), len(value)) + value


def text(s):
    b = s.encode("ascii")
    return b + (b" " if len(b) % 2 else b"")


def uid(s):
    b = s.encode("ascii")
    return b + (b"\0" if len(b) % 2 else b"")


def big(n, dst):
    meta_body = (element(0x0002, 0x0001, "OB", b"\0\1")
                 + element(0x0002, 0x0002, "UI", uid("1.2.840.10008.1.3.10"))
                 + element(0x0002, 0x0003, "UI", uid("2.25.1"))
                 + element(0x0002, 0x0010, "UI", uid("1.2.840.10008.1.2.1")))
    meta = element(0x0002, 0x0000, "UL", struct.pack("<I", len(meta_body))) + meta_body
    head_fixed = element(0x0004, 0x1130, "CS", text("BIG"))

    def record(kind, i, nxt, lower):
        body = (element(0x0004, 0x1400, "UL", struct.pack("<I", nxt))
                + element(0x0004, 0x1410, "US", struct.pack("<H", 0xFFFF))
                + element(0x0004, 0x1420, "UL", struct.pack("<I", lower))
                + element(0x0004, 0x1430, "CS", text(kind)))
        if kind == "PATIENT":
            body += element(0x0010, 0x0010, "PN", text("Big^Directory")) + element(0x0010, 0x0020, "LO", text("BIG1"))
        elif kind == "STUDY":
            body += (element(0x0008, 0x0020, "DA", text("20240101")) + element(0x0020, 0x000D, "UI", uid("2.25.2"))
                     + element(0x0020, 0x0010, "SH", text("1")))
        elif kind == "SERIES":
            body += (element(0x0008, 0x0060, "CS", text("CT")) + element(0x0020, 0x000E, "UI", uid("2.25.3"))
                     + element(0x0020, 0x0011, "IS", text("1")))
        else:
            body = (body[:] + element(0x0004, 0x1500, "CS", text("IMG\\%08d" % i))
                    + element(0x0004, 0x1510, "UI", uid("1.2.840.10008.5.1.4.1.1.2"))
                    + element(0x0004, 0x1511, "UI", uid("2.25.%d" % (1000 + i)))
                    + element(0x0004, 0x1512, "UI", uid("1.2.840.10008.1.2.1"))
                    + element(0x0020, 0x0013, "IS", text(str(i))))
        return body

    # Lay out twice: once to learn each record's size, then with the real offsets.
    kinds = ["PATIENT", "STUDY", "SERIES"] + ["IMAGE"] * (n - 3)
    sizes = [8 + len(record(k, i, 0, 0)) for i, k in enumerate(kinds)]
    prefix = 128 + 4 + len(meta)
    head_len = len(element(0x0004, 0x1200, "UL", b"\0" * 4)) + len(element(0x0004, 0x1202, "UL", b"\0" * 4)) \
        + len(element(0x0004, 0x1212, "US", b"\0" * 2)) + len(head_fixed) + 12
    offsets, o = [], prefix + head_len
    for s in sizes:
        offsets.append(o)
        o += s
    items = []
    for i, k in enumerate(kinds):
        if i < 3:
            nxt, lower = 0, offsets[i + 1]
        else:
            nxt, lower = (offsets[i + 1] if i + 1 < n else 0), 0
        body = record(k, i, nxt, lower)
        items.append(struct.pack("<HHI", 0xFFFE, 0xE000, len(body)) + body)
    seq = b"".join(items)
    head = (head_fixed + element(0x0004, 0x1200, "UL", struct.pack("<I", offsets[0]))
            + element(0x0004, 0x1202, "UL", struct.pack("<I", offsets[-1]))
            + element(0x0004, 0x1212, "US", struct.pack("<H", 0)))
    data = b"\0" * 128 + b"DICM" + meta + head + struct.pack("<HH2sHI", 0x0004, 0x1220, b"SQ", 0, len(seq)) + seq
    assert len(b"\0" * 128 + b"DICM" + meta + head) + 12 == offsets[0]
    with open(dst, "wb") as f:
        f.write(data)
    print(json.dumps({"records": n}))


if __name__ == "__main__":
    if sys.argv[1] == "big":
        big(int(sys.argv[2]), sys.argv[3])
    else:
        edit(sys.argv[1], sys.argv[2], sys.argv[3])
