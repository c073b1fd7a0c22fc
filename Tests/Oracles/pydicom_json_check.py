#!/usr/bin/env python3
"""Checks Lightbox's DICOM JSON Model output (PS3.18 F) by loading it with pydicom.

Usage: pydicom_json_check.py PAIRS.txt
Each line of PAIRS.txt is "SOURCE.dcm<TAB>LIGHTBOX.json". For each pair, pydicom reads the source
file and `Dataset.from_json` reads Lightbox's JSON; every element outside group 7FE0 must be
present in both with equal values (numbers compared as numbers, PN by its component groups).
Prints one line per mismatch and a summary; exits 1 if any.
"""
import json
import math
import sys
import warnings

import pydicom
from pydicom.dataset import Dataset

warnings.simplefilter("ignore")
pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE


def norm(vr, value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)) or value.__class__.__name__ == "MultiValue":
        vals = [norm(vr, v) for v in value]
        return vals if len(vals) != 1 else vals[0]
    if vr == "PN":
        s = str(value)
        while s.endswith("="):
            s = s[:-1]
        return s or None
    if vr in ("DS", "FL", "FD", "OF", "OD"):
        try:
            f = float(value)
            return round(f, 6) if math.isfinite(f) else str(f)
        except (TypeError, ValueError):
            return str(value).strip()
    if vr in ("IS",):
        try:
            return int(value)
        except (TypeError, ValueError):
            return str(value).strip()
    if isinstance(value, bytes):
        return value.rstrip(b"\0")
    if isinstance(value, str):
        return value.strip(" \0") or None
    return value


WORD = {"OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8}


def swap(raw, size):
    n = len(raw) - len(raw) % size
    return b"".join(raw[i:i + size][::-1] for i in range(0, n, size)) + raw[n:]


def compare(a, b, path, out, big_endian=False):
    # Group FFFC (Data Set Trailing Padding) follows the pixel data and carries no content.
    for tag in sorted(set(a.keys()) | set(b.keys())):
        if tag.group in (0x7FE0, 0x0002, 0xFFFC) or tag.element == 0:
            continue
        where = f"{path}{int(tag):08X}"
        if tag not in b:
            out.append(f"{where}: missing from the JSON"); continue
        if tag not in a:
            out.append(f"{where}: only in the JSON"); continue
        ea, eb = a[tag], b[tag]
        if ea.VR == "SQ":
            ia, ib = ea.value or [], eb.value or []
            if len(ia) != len(ib):
                out.append(f"{where}: {len(ia)} items vs {len(ib)}"); continue
            for i, (x, y) in enumerate(zip(ia, ib)):
                compare(x, y, f"{where}[{i}].", out, big_endian)
            continue
        if ea.VR in ("OB", "OW", "UN", "OF", "OD", "OL", "OV") and isinstance(eb.value, bytes):
            # PS3.18 §F.2.7: InlineBinary holds little-endian octets; pydicom keeps a big-endian
            # file's OW/OF/… bytes as stored.
            raw = ea.value or b""
            if big_endian and ea.VR in WORD:
                raw = swap(raw, WORD[ea.VR])
            va, vb = raw.rstrip(b"\0"), (eb.value or b"").rstrip(b"\0")
        else:
            va, vb = norm(ea.VR, ea.value), norm(ea.VR, eb.value)
        if va != vb and not (va in (None, "", b"", []) and vb in (None, "", b"", [])):
            out.append(f"{where} {ea.VR}: {str(va)[:60]!r} vs JSON {str(vb)[:60]!r}")


def has_invalid_numbers(ds):
    for elem in ds.iterall():
        if elem.VR in ("IS", "DS") and elem.value not in (None, ""):
            values = elem.value if elem.VM > 1 else [elem.value]
            for v in values:
                try:
                    float(str(v))
                except ValueError:
                    return True
    return False


def main():
    bad = 0
    n = 0
    for line in open(sys.argv[1], encoding="utf-8"):
        src, js = line.rstrip("\n").split("\t")
        n += 1
        try:
            a = pydicom.dcmread(src, force=True)
            b = Dataset.from_json(open(js, encoding="utf-8").read())
        except Exception as exc:
            if has_invalid_numbers(a):
                # The source's IS/DS text is not a number (e.g. badVR.dcm's "1A"); Lightbox keeps
                # it as a JSON string, which pydicom's from_json cannot convert. Not a JSON fault.
                print(f"{src}: skipped, the source has IS/DS values that are not numbers"); continue
            print(f"{src}: cannot load: {type(exc).__name__}: {exc}"); bad += 1; continue
        out = []
        compare(a, b, "", out, a.original_encoding[1] is False)
        if out:
            bad += 1
            print(f"{src}:\n    " + "\n    ".join(out[:6]))
    print(f"json-check: {n} files, {bad} with differences")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
