#!/usr/bin/env python3
"""Oracle for the query/retrieve conformance tests (issue 16): DCMTK `findscu` query files and
responses, as pydicom and DCMTK read them, compared with `lightbox find --json`.

Usage:
  qr_find.py query OUT LEVEL CHARSET KEY[=VALUE]...
      Writes a C-FIND identifier file for `findscu` (its `dcmfile-in`): (0008,0052) = LEVEL, then
      each key in order (a keyword or gggg,eeee; no value = return key). CHARSET is the Specific
      Character Set term (`-` for none: ISO_IR 192 if a value is not ASCII). Text values are
      encoded here in that character set (Python's gb18030/utf-8 codecs; IR 58 by hand, since
      pydicom 3.0.2 cannot encode it and DCMTK 3.6.7 `dcmconv +C` cannot convert to it, facts.md),
      so the query carries the Chinese names in GB18030 or IR 58 bytes, as `lightbox find --charset` must.
  qr_find.py responses DIR
      Prints, as a JSON array, the DICOM JSON model (PS3.18 F.2) of every findscu response file
      (rsp*.dcm, from `findscu -X -od DIR`), sorted by name. Values in a character set other than
      UTF-8 are first converted to UTF-8 by DCMTK `dcmconv +U8` (as `dcmdump +U8` shows them):
      pydicom 3.0.2 leaves the IR 58 escape sequences inside decoded names (facts.md); GB18030
      goes the same way so that every answer has one oracle.
  qr_find.py compare DIR LIGHTBOX_JSON
      Compares the findscu responses of DIR with the objects `lightbox find --json` printed (a JSON
      array, one object per match), as multisets, ignoring (0008,0005) (Lightbox decodes to UTF-8)
      and group lengths. Prints a JSON report {"findscu": n, "lightbox": m, "only_findscu": [...],
      "only_lightbox": [...]} and exits 0 only when both sides hold the same matches.
"""
import json
import os
import subprocess
import sys
import tempfile

import pydicom
from pydicom.datadict import dictionary_VR, tag_for_keyword
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.tag import Tag
from pydicom.uid import ExplicitVRLittleEndian


def parse_tag(key):
    if "," in key:
        g, e = key.split(",")
        return Tag(int(g, 16), int(e, 16))
    t = tag_for_keyword(key)
    if t is None:
        raise SystemExit(f"unknown keyword {key}")
    return Tag(t)


TEXT_VRS = ("PN", "LO", "SH", "LT", "ST", "UT", "UC")


def encode_ir58(value, vr):
    """ISO 2022 IR 58 bytes (PS3.5 6.1.2.5.3): GB 2312 designated into G1 by ESC $ ) A before the
    first Chinese character, again after each delimiter that resets the designation ('\\', and for
    PN '^' and '='), as Lightbox's synth and DCMTK write it. pydicom 3.0.2 cannot encode IR 58 and
    DCMTK 3.6.7 `dcmconv +C` cannot convert to it, so the bytes are built here."""
    out = bytearray()
    designated = False
    resets = "\\^=" if vr == "PN" else "\\"
    for ch in value:
        if ch in resets:
            designated = False
            out += ch.encode("ascii")
        elif ch.isascii():
            out += ch.encode("ascii")
        else:
            if not designated:
                out += b"\x1b$)A"
                designated = True
            out += ch.encode("gb2312")
    return bytes(out)


def make_query(out, level, charset, keys):
    ds = Dataset()
    values = [k.partition("=")[2] for k in keys]
    non_ascii = any(not v.isascii() for v in values)
    codec = None
    if charset == "-":
        if non_ascii:
            ds.SpecificCharacterSet = "ISO_IR 192"
            codec = "utf-8"
    elif "IR 58" in charset:
        ds.SpecificCharacterSet = ["", "ISO 2022 IR 58"]
        codec = "ir58"
    else:
        ds.SpecificCharacterSet = charset
        codec = {"GB18030": "gb18030", "GBK": "gbk", "ISO_IR 192": "utf-8", "ISO_IR 100": "latin-1"}[charset]
    ds.QueryRetrieveLevel = level
    for k in keys:
        key, _, value = k.partition("=")
        tag = parse_tag(key)
        vr = dictionary_VR(tag)
        if vr == "SQ":
            ds.add_new(tag, vr, [])
        elif not value:
            ds.add_new(tag, vr, None)
        elif vr in TEXT_VRS and not value.isascii():
            raw = encode_ir58(value, vr) if codec == "ir58" else value.encode(codec)
            if len(raw) % 2:
                raw += b" "
            ds.add(DataElement(tag, vr, raw))
        else:
            ds.add_new(tag, vr, value)
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.2.2.1"
    ds.file_meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid()
    ds.save_as(out, enforce_file_format=True)
    return 0


def read_utf8(path, workdir):
    """The data set of a response file with its values in UTF-8 (converted by DCMTK if needed)."""
    ds = pydicom.dcmread(path, force=True)
    charset = ds.get("SpecificCharacterSet")
    terms = [] if charset is None else ([charset] if isinstance(charset, str) else list(charset))
    terms = [t for t in terms if t]
    if terms and terms not in (["ISO_IR 192"], ["ISO_IR 6"], ["ISO 2022 IR 6"]):
        converted = os.path.join(workdir, os.path.basename(path) + ".utf8.dcm")
        r = subprocess.run(["dcmconv", "+U8", path, converted], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"dcmconv +U8 {path} failed: {r.stderr}")
        ds = pydicom.dcmread(converted, force=True)
    return ds


def responses(directory):
    names = sorted(n for n in os.listdir(directory) if n.startswith("rsp") and n.endswith(".dcm"))
    out = []
    with tempfile.TemporaryDirectory() as work:
        for n in names:
            ds = read_utf8(os.path.join(directory, n), work)
            out.append(ds.to_json_dict())
    return out


def normal_value(vr, v):
    if vr == "PN" and isinstance(v, dict):
        # Drop empty component groups ({"Alphabetic": "X", "Ideographic": ""} == {"Alphabetic": "X"}).
        return json.dumps({k: x for k, x in sorted(v.items()) if x}, ensure_ascii=False, sort_keys=True)
    if vr in ("IS", "DS", "US", "UL", "SS", "SL", "FL", "FD", "UV", "SV"):
        try:
            return repr(float(v))
        except (TypeError, ValueError):
            return f"not a number: {v!r}"
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def normal(obj):
    """A canonical string for one match: tag, VR and values of each element, minus (0008,0005)."""
    items = []
    for tag in sorted(obj):
        t = tag.upper()
        if t == "00080005" or t.endswith("0000"):
            continue
        e = obj[tag]
        vr = e.get("vr")
        values = e.get("Value", [])
        if vr == "SQ":
            values = [normal(x) for x in values]
        else:
            values = [normal_value(vr, v) for v in values]
        items.append(f"{t} {vr} {values}")
    return "{" + "; ".join(items) + "}"


def compare(directory, lightbox_json):
    theirs = responses(directory)
    with open(lightbox_json, encoding="utf-8") as f:
        ours = json.load(f)
    a = sorted(normal(x) for x in theirs)
    b = sorted(normal(x) for x in ours)
    # Multiset difference (duplicates count).
    ra, rb = list(a), list(b)
    for x in b:
        if x in ra:
            ra.remove(x)
    for x in a:
        if x in rb:
            rb.remove(x)
    report = {"findscu": len(a), "lightbox": len(b), "only_findscu": ra, "only_lightbox": rb}
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0 if not ra and not rb and len(a) == len(b) else 1


def main():
    verb = sys.argv[1]
    if verb == "query":
        return make_query(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    if verb == "responses":
        print(json.dumps(responses(sys.argv[2]), ensure_ascii=False))
        return 0
    if verb == "compare":
        return compare(sys.argv[2], sys.argv[3])
    print("unknown verb", verb)
    return 2


if __name__ == "__main__":
    sys.exit(main())
