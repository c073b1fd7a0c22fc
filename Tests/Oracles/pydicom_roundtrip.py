#!/usr/bin/env python3
"""pydicom's check of files Lightbox wrote: each written file must read fully and hold the same
values as pydicom's reading of the file it was written from.

Usage: pydicom_roundtrip.py PAIRS.json OUT.json

PAIRS.json is a list of {"source": path, "written": [path, ...], "implicit": [path, ...]}
("implicit" lists the written files in Implicit VR Little Endian, whose VRs come from the
dictionary). OUT.json is {written path: {"ok": bool, "error"?: str, "diffs": [str, ...]}}.

Every element is read fully and compared by the value pydicom converts it to (text decoded with
Specific Character Set, numbers, bytes as little-endian hex), items recursively, plus Pixel
Data's bytes. Group lengths (gggg,0000) are skipped: writers recompute them, and they differ
between implicit and explicit VR by design. VRs are compared only for explicit-VR output.
"""
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pydicom  # noqa: E402
from pydicom.dataelem import RawDataElement  # noqa: E402
from pydicom_canonical import WORD, read, swap, text_of  # noqa: E402

warnings.simplefilter("ignore")
pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE


def pixel_bytes(ds):
    """Pixel Data's stored bytes, little endian for native OW, or None."""
    if 0x7FE00010 not in ds:
        return None
    raw = ds.get_item(0x7FE00010)
    value = getattr(raw, "value", None)
    if value is None:
        return b""
    little = getattr(raw, "is_little_endian", True)
    vr = getattr(raw, "VR", None) or ds[0x7FE00010].VR
    if not little and vr in WORD:
        value = swap(value, WORD[vr])
    return bytes(value)


def value_text(elem, little):
    """An element's value as pydicom converted it: text, numbers as text, bytes as hex (little endian)."""
    value = elem.value
    if isinstance(value, (bytes, bytearray)):
        if not little and elem.VR in WORD:
            value = swap(bytes(value), WORD[elem.VR])
        return bytes(value).hex()
    return "\\".join(v.strip(" \0") for v in text_of(value).split("\\"))


def raw_hex(ds, tag, little):
    """The stored bytes of an element pydicom has not converted yet, little endian, or None."""
    raw = ds.get_item(tag)
    if not isinstance(raw, RawDataElement):
        return None
    value = raw.value or b""
    vr = raw.VR or ds[tag].VR
    if not little and vr in WORD:
        value = swap(value, WORD[vr])
    return bytes(value).hex()


def padded(a, b):
    """b is a's odd-length bytes padded to even length (PS3.5 §7.1.1)."""
    return (a is not None and b is not None and len(a) % 4 == 2 and len(b) == len(a) + 2
            and b.startswith(a) and b[-2:] in ("00", "20"))


def form(ds, little):
    """{tag: (vr, value text or list of item forms)} for every element outside groups 0002 and
    7FE0 and group lengths."""
    out = {}
    for tag in ds.keys():
        if tag.group in (0x0002, 0x7FE0) or tag.element == 0:
            continue
        raw = raw_hex(ds, tag, little)
        elem = ds[tag]
        if elem.VR == "SQ":
            out[f"{int(tag):08X}"] = ("SQ", [form(item, little) for item in (elem.value or [])])
        else:
            out[f"{int(tag):08X}"] = (elem.VR, value_text(elem, little), raw)
    return out


def compare(a, b, path, check_vr, diffs):
    for tag in sorted(set(a) | set(b)):
        where = path + tag
        x, y = a.get(tag), b.get(tag)
        if x is None:
            diffs.append(f"{where}: only in the written file ({y[0]})")
        elif y is None:
            diffs.append(f"{where}: missing from the written file ({x[0]})")
        elif x[0] == "SQ" or y[0] == "SQ":
            if x[0] != y[0]:
                diffs.append(f"{where}: VR {x[0]} became {y[0]}")
            elif len(x[1]) != len(y[1]):
                diffs.append(f"{where}: {len(x[1])} items became {len(y[1])}")
            else:
                for i, (p, q) in enumerate(zip(x[1], y[1])):
                    compare(p, q, f"{where}[{i}].", check_vr, diffs)
        elif check_vr and x[0] != y[0]:
            diffs.append(f"{where}: VR {x[0]} became {y[0]}")
        elif padded(x[2], y[2]) or padded(x[1], y[1]):
            continue  # an odd-length value padded by the writer
        elif x[0] != y[0]:
            # Implicit VR output: the VR comes from pydicom's dictionary (UN when it has none), so
            # the value is converted differently; the stored bytes must still be the same.
            xa, ya = (x[2] if x[2] is not None else x[1]), (y[2] if y[2] is not None else y[1])
            if xa != ya:
                diffs.append(f"{where}: {x[0]} {(x[2] or x[1])[:60]!r} became {y[0]} {(y[2] or y[1])[:60]!r}")
        elif x[1] != y[1]:
            diffs.append(f"{where}: value {x[1][:60]!r} became {y[1][:60]!r}")


def little_endian(ds):
    return ds.original_encoding[1] if ds.original_encoding[1] is not None else True


def main():
    pairs_path, out_path = sys.argv[1], sys.argv[2]
    with open(pairs_path, encoding="utf-8") as f:
        pairs = json.load(f)
    results = {}
    for pair in pairs:
        implicit = set(pair.get("implicit", []))
        try:
            src = read(pair["source"])
            src_form = form(src, little_endian(src))
            src_pixels = pixel_bytes(src)
        except Exception as exc:
            for w in pair["written"]:
                results[w] = {"ok": False, "error": f"source unreadable: {type(exc).__name__}: {exc}"[:300], "diffs": []}
            continue
        for w in pair["written"]:
            try:
                # The written files all have a Part 10 header: read them strictly (no force).
                ds = pydicom.dcmread(w)
                out_form = form(ds, little_endian(ds))
                pixels = pixel_bytes(ds)
            except Exception as exc:
                results[w] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300], "diffs": []}
                continue
            diffs = []
            compare(src_form, out_form, "", w not in implicit, diffs)
            if src_pixels != pixels:
                diffs.append(f"7FE00010: pixel data differs ({len(src_pixels or b'')} vs {len(pixels or b'')} bytes)")
            results[w] = {"ok": True, "diffs": diffs}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
