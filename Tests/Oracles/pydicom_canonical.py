#!/usr/bin/env python3
"""Reference reading of DICOM files by pydicom, in Lightbox's canonical comparison form.

Usage: pydicom_canonical.py OUT.json FILE...

For each file, writes {"path", "ok", "error"?, "elements"?} where elements is a list of
[tag "GGGGEEEE", vr, raw-hex (little endian) or null, text-or-null, items-or-null] for every element of
the data set (not the file meta group) outside group 7FE0. raw-hex is the value bytes as stored,
with numeric VRs of big-endian files swapped to little endian. text is pydicom's decoded value for
the VRs that Specific Character Set affects (SH LO ST LT UC UT PN), joined with backslash; for
elements pydicom converted during reading, raw is null and text is the value as text.

A file counts as read when pydicom reads it normally, or with force=True (the way pydicom reads
data sets without a Part 10 header) provided the first element's group is a plausible start of a
data set (0002-0100: force=True otherwise "reads" text files and ICC profiles as one bogus
element), and every element can be converted.
"""
import json
import sys
import warnings

import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.sequence import Sequence

warnings.simplefilter("ignore")
pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE

CHARSET_VRS = {"SH", "LO", "ST", "LT", "UC", "UT", "PN"}
WORD = {"US": 2, "SS": 2, "OW": 2, "AT": 2, "UL": 4, "SL": 4, "FL": 4, "OF": 4, "OL": 4,
        "FD": 8, "OD": 8, "OV": 8, "SV": 8, "UV": 8}


def swap(raw, size):
    out = bytearray()
    n = len(raw) - len(raw) % size
    for i in range(0, n, size):
        out += raw[i:i + size][::-1]
    out += raw[n:]
    return bytes(out)


def text_of(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)) or value.__class__.__name__ == "MultiValue":
        return "\\".join(text_of(v) for v in value)
    return str(value)


def canonical(ds, little_endian):
    out = []
    for tag in sorted(ds.keys()):
        if tag.group == 0x7FE0 or tag.group == 0x0002:
            continue
        raw_elem = ds.get_item(tag)
        elem = ds[tag]
        vr = elem.VR
        if vr == "SQ" or isinstance(elem.value, Sequence):
            items = [canonical(item, little_endian) for item in (elem.value or [])]
            out.append([f"{int(tag):08X}", "SQ", None, None, items])
            continue
        if isinstance(raw_elem, RawDataElement):
            raw = raw_elem.value or b""
            if not raw_elem.is_little_endian and vr in WORD:
                raw = swap(raw, WORD[vr])
            text = text_of(elem.value) if vr in CHARSET_VRS else None
            out.append([f"{int(tag):08X}", vr, raw.hex(), text, None])
        else:
            # pydicom converted this element while reading (e.g. Specific Character Set, Pixel
            # Representation): its stored bytes are gone, so compare the value as text.
            out.append([f"{int(tag):08X}", vr, None, text_of(elem.value), None])
    return out


def read(path):
    try:
        ds = pydicom.dcmread(path)
    except Exception:
        ds = pydicom.dcmread(path, force=True)
        keys = sorted(ds.keys())
        if not keys or not (0x0002 <= keys[0].group <= 0x0100):
            raise ValueError("not a DICOM data set (force=True found no plausible first element)")
    if len(ds.keys()) == 0:
        raise ValueError("no data elements")
    return ds


def main():
    out_path, files = sys.argv[1], sys.argv[2:]
    results = []
    for path in files:
        try:
            ds = read(path)
            little = ds.original_encoding[1] if ds.original_encoding[1] is not None else True
            results.append({"path": path, "ok": True, "elements": canonical(ds, little)})
        except Exception as exc:  # pydicom rejected it
            results.append({"path": path, "ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]})
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
