#!/usr/bin/env python3
"""Makes the defective inputs a new user meets, with pydicom and plain byte edits, and says
what pydicom itself finds in them (the outside reference for the tests).

Usage:
  make_defective.py bare SRC OUT              a bare data set (no preamble, no File Meta), Implicit VR LE
  make_defective.py odd SRC OUT UID           SRC as UID, with Institution Name stored at odd length 3
  make_defective.py short SRC OUT N           Pixel Data N bytes shorter than Rows x Columns x ... needs
  make_defective.py oddow SRC OUT             Pixel Data in OW one byte longer than needed: odd length
  make_defective.py cutmeta SRC OUT MODE      cut inside the File Meta Information; MODE is "element"
                                              (inside an element) or "boundary" (after (0002,0001))
  make_defective.py nokeys SRC OUT UID        SRC as UID without Study ID, Series Number, Instance Number
  make_defective.py facts PATH                JSON: what pydicom reads (meta, keys, pixel lengths)
Prints JSON facts about OUT on stdout.
"""
import json
import struct
import sys

import pydicom
from pydicom.pixels.utils import get_expected_length


def facts(path):
    out = {}
    try:
        ds = pydicom.dcmread(path)
        out["part10"] = True
    except Exception as e:  # noqa: BLE001 - the oracle reports any failure
        out["part10"] = False
        out["part10_error"] = f"{type(e).__name__}: {e}"
        try:
            ds = pydicom.dcmread(path, force=True)
        except Exception as e2:  # noqa: BLE001
            return {"readable": False, "part10": False, "error": f"{type(e2).__name__}: {e2}"}
    out["readable"] = True
    meta = getattr(ds, "file_meta", None)
    out["has_meta"] = bool(meta) and "TransferSyntaxUID" in meta
    out["preamble"] = ds.preamble is not None
    if out["has_meta"]:
        out["transfer_syntax"] = str(meta.TransferSyntaxUID)
        out["media_sop_instance"] = str(meta.get("MediaStorageSOPInstanceUID", ""))
    for k in ("SOPInstanceUID", "PatientID", "StudyDate", "StudyTime", "StudyID", "SeriesNumber", "InstanceNumber",
              "Modality", "InstitutionName"):
        out[k] = str(ds[k].value) if k in ds and ds[k].value not in (None, "") else None
    if "PixelData" in ds:
        out["pixel_bytes"] = len(ds.PixelData)
        try:
            out["expected_pixel_bytes"] = get_expected_length(ds, "bytes")
        except Exception as e:  # noqa: BLE001
            out["expected_error"] = str(e)
    return out


def replace_once(data, old, new):
    assert data.count(old) == 1, f"{old!r} found {data.count(old)} times"
    return data.replace(old, new)


def main() -> int:
    verb = sys.argv[1]
    if verb == "facts":
        print(json.dumps(facts(sys.argv[2])))
        return 0
    src, out = sys.argv[2], sys.argv[3]
    ds = pydicom.dcmread(src)
    if verb == "bare":
        ds.decompress() if ds.file_meta.TransferSyntaxUID.is_compressed else None
        ds.preamble = None
        ds.file_meta = pydicom.dataset.FileMetaDataset()
        ds.save_as(out, implicit_vr=True, little_endian=True, enforce_file_format=False)
    elif verb == "odd":
        ds.SOPInstanceUID = sys.argv[4]
        ds.file_meta.MediaStorageSOPInstanceUID = sys.argv[4]
        ds.InstitutionName = "ODDX"
        ds.save_as(out, implicit_vr=False, little_endian=True, enforce_file_format=True)
        data = open(out, "rb").read()
        data = replace_once(data, b"\x08\x00\x80\x00LO\x04\x00ODDX", b"\x08\x00\x80\x00LO\x03\x00ODD")
        open(out, "wb").write(data)
    elif verb == "nokeys":
        ds.SOPInstanceUID = sys.argv[4]
        ds.file_meta.MediaStorageSOPInstanceUID = sys.argv[4]
        for k in ("StudyID", "SeriesNumber", "InstanceNumber"):
            if k in ds:
                del ds[k]
        ds.save_as(out, enforce_file_format=True)
    elif verb in ("short", "oddow"):
        ds.decompress() if ds.file_meta.TransferSyntaxUID.is_compressed else None
        for tag in [t for t in ds.keys() if t > 0x7FE00010]:
            del ds[tag]
        ds.save_as(out, implicit_vr=False, little_endian=True, enforce_file_format=True)
        data = open(out, "rb").read()
        expected = get_expected_length(ds, "bytes")
        vr = b"OW" if ds["PixelData"].VR == "OW" else b"OB"
        header = b"\xe0\x7f\x10\x00" + vr + b"\x00\x00" + struct.pack("<I", len(ds.PixelData))
        at = data.rindex(header)
        assert at + len(header) + len(ds.PixelData) == len(data), "Pixel Data is not the last element"
        if verb == "short":
            n = int(sys.argv[4])
            new_len = len(ds.PixelData) - n
            data = data[:at] + header[:8] + struct.pack("<I", new_len) + data[at + len(header):at + len(header) + new_len]
        else:
            assert vr == b"OW", "source Pixel Data is not OW"
            new_len = len(ds.PixelData) + 1
            data = data[:at] + header[:8] + struct.pack("<I", new_len) + data[at + len(header):] + b"\x7f"
        open(out, "wb").write(data)
    elif verb == "cutmeta":
        data = open(src, "rb").read()
        assert data[128:132] == b"DICM"
        (group_length,) = struct.unpack("<I", data[140:144])
        meta_end = 144 + group_length
        if sys.argv[4] == "element":
            cut = 144 + group_length // 2
            # Make sure the cut is not on an element boundary.
            pos = 144
            boundaries = {pos}
            while pos < meta_end:
                vr = data[pos + 4:pos + 6]
                if vr in (b"OB", b"OW", b"UN", b"SQ", b"UT", b"UC", b"UR"):
                    pos += 12 + struct.unpack("<I", data[pos + 8:pos + 12])[0]
                else:
                    pos += 8 + struct.unpack("<H", data[pos + 6:pos + 8])[0]
                boundaries.add(pos)
            while cut in boundaries:
                cut += 1
        else:
            (length,) = struct.unpack("<I", data[152:156])  # (0002,0001) OB: 12-byte header
            cut = 144 + 12 + length
        assert cut < meta_end
        open(out, "wb").write(data[:cut])
        print(json.dumps({"cut_at": cut, "meta_end": meta_end}))
        return 0
    else:
        print("unknown verb", verb)
        return 2
    print(json.dumps(facts(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
