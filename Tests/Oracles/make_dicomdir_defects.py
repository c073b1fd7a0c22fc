#!/usr/bin/env python3
"""Makes defective DICOMDIRs (and, for the hostile-media tests, Part 10 files) for the tolerant reader's tests,
by editing offset values with pydicom (value lengths stay the same, so every other offset stays right)
or raw bytes.

Usage:
  make_dicomdir_defects.py wrong-offsets IN OUT   first STUDY record's Lower-Level offset -> +6
                                                  (inside a record, not at an item start)
  make_dicomdir_defects.py loop IN OUT            last IMAGE record's Next offset -> the first
                                                  IMAGE record of the same chain (a loop)
  make_dicomdir_defects.py big N OUT              a DICOMDIR of N records (1 PATIENT, 1 STUDY,
                                                  1 SERIES, N-3 IMAGE) referencing absent files,
                                                  written as raw Explicit VR Little Endian bytes
  make_dicomdir_defects.py file-ids IN OUT ID...   the Referenced File ID (0004,1500) of the first
                                                  IMAGE records set to each ID in turn (a string with
                                                  backslashes between components, "/" kept as is);
                                                  offsets re-computed
  make_dicomdir_defects.py patient-names IN OUT NAME...  Patient's Name (0010,0010) of the PATIENT
                                                  records set to each NAME in turn (UTF-8, Specific
                                                  Character Set ISO_IR 192); offsets re-computed
  make_dicomdir_defects.py huge-element IN OUT    in the IMAGE record in the middle of the sequence,
                                                  the Referenced File ID element is overwritten by a
                                                  private OB element (0029,1010) whose length is
                                                  FFFFFFF0H (about 4 GiB) though the item holds only
                                                  its own bytes; item length and offsets unchanged
  make_dicomdir_defects.py huge-file IN OUT       a copy of the Part 10 file IN whose data set starts
                                                  with an OB element (0008,0001) claiming FFFFFFF0H
                                                  bytes (about 4 GiB), the rest of the file after it
  make_dicomdir_defects.py huge-pixel-data IN OUT a copy of the Part 10 file IN (Explicit VR Little
                                                  Endian, native pixels) whose Pixel Data (7FE0,0010)
                                                  length is FFFFFFF0H; header and size unchanged
Prints JSON {"edited_offset": ..., "value": ...} (or {"records": N}; file-ids and patient-names:
{"replaced": [old values]}; huge-element: {"record_offset": ..., "element_offset": ...,
"file_id": the File ID the record had}; huge-file, huge-pixel-data: {"element_offset": ..., "size": file size}).
"""
import io
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


def save_with_offsets(ds, dst):
    """Writes `ds` (a DICOMDIR whose records changed size) with every record offset pointing at
    the same record as before: written once to learn where each item lands, then again with the
    offsets mapped (UL values keep their length, so the second layout equals the first)."""
    recs = ds.DirectoryRecordSequence
    old = [r.seq_item_tell for r in recs]
    where = {o: i for i, o in enumerate(old)}
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    buf.seek(0)
    new = [r.seq_item_tell for r in dcmread(buf).DirectoryRecordSequence]

    def moved(o):
        return new[where[o]] if o in where else o
    for r in recs:
        for kw in ("OffsetOfTheNextDirectoryRecord", "OffsetOfReferencedLowerLevelDirectoryEntity"):
            if kw in r and r[kw].value:
                r[kw].value = moved(r[kw].value)
    for kw in ("OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity",
               "OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity"):
        if kw in ds and ds[kw].value:
            ds[kw].value = moved(ds[kw].value)
    ds.save_as(dst, enforce_file_format=True)


def set_values(mode, src, dst, values):
    ds = dcmread(src)
    recs = ds.DirectoryRecordSequence
    kind, keyword = ("IMAGE", "ReferencedFileID") if mode == "file-ids" else ("PATIENT", "PatientName")
    targets = [r for r in recs if r.DirectoryRecordType == kind][:len(values)]
    if len(targets) < len(values):
        sys.exit("only %d %s records" % (len(targets), kind))
    replaced = []
    for r, v in zip(targets, values):
        if mode == "file-ids":
            old = r.ReferencedFileID
            replaced.append(old if isinstance(old, str) else "\\".join(old))
            r["ReferencedFileID"].value = v.split("\\")
        else:
            replaced.append(str(r.PatientName))
            r.PatientName = v
    if mode == "patient-names":
        ds.SpecificCharacterSet = "ISO_IR 192"
    save_with_offsets(ds, dst)
    print(json.dumps({"replaced": replaced}))


def huge_element(src, dst):
    ds = dcmread(src)
    recs = ds.DirectoryRecordSequence
    images = [r for r in recs if r.DirectoryRecordType == "IMAGE"]
    rec = images[len(images) // 2]
    file_id = rec.ReferencedFileID if isinstance(rec.ReferencedFileID, str) else "\\".join(rec.ReferencedFileID)
    data = bytearray(open(src, "rb").read())
    start = rec.seq_item_tell
    length = struct.unpack_from("<I", data, start + 4)[0]
    header = struct.pack("<HH2sH", 0x0004, 0x1500, b"CS", 0)[:6]
    at = data.find(header, start, start + 8 + length)
    if at < 0:
        sys.exit("no Referenced File ID element in the record at %d" % start)
    size = 8 + struct.unpack_from("<H", data, at + 6)[0]
    assert size >= 12
    data[at:at + 12] = struct.pack("<HH2sHI", 0x0029, 0x1010, b"OB", 0, 0xFFFFFFF0)
    open(dst, "wb").write(bytes(data))
    print(json.dumps({"record_offset": start, "element_offset": at, "file_id": file_id}))


def huge_file(src, dst):
    data = open(src, "rb").read()
    if data[128:132] != b"DICM":
        sys.exit("%s has no File Meta Information" % src)
    # (0002,0000) File Meta Information Group Length: the data set starts right after the meta.
    meta_length = struct.unpack_from("<I", data, 132 + 8)[0]
    at = 132 + 12 + meta_length
    out = data[:at] + struct.pack("<HH2sHI", 0x0008, 0x0001, b"OB", 0, 0xFFFFFFF0) + data[at:]
    open(dst, "wb").write(out)
    print(json.dumps({"element_offset": at, "size": len(out)}))


def huge_pixel_data(src, dst):
    ds = dcmread(src)
    if ds.file_meta.TransferSyntaxUID != "1.2.840.10008.1.2.1" or "PixelData" not in ds:
        sys.exit("%s is not Explicit VR Little Endian with Pixel Data" % src)
    data = bytearray(open(src, "rb").read())
    at = data.rfind(struct.pack("<HH", 0x7FE0, 0x0010))
    assert data[at + 4:at + 6] in (b"OB", b"OW")
    data[at + 8:at + 12] = struct.pack("<I", 0xFFFFFFF0)
    open(dst, "wb").write(bytes(data))
    print(json.dumps({"element_offset": at, "size": len(data)}))


if __name__ == "__main__":
    if sys.argv[1] == "huge-file":
        huge_file(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "huge-pixel-data":
        huge_pixel_data(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "big":
        big(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] in ("file-ids", "patient-names"):
        set_values(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
    elif sys.argv[1] == "huge-element":
        huge_element(sys.argv[2], sys.argv[3])
    else:
        edit(sys.argv[1], sys.argv[2], sys.argv[3])
