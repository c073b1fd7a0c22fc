#!/usr/bin/env python3
"""Generate Lightbox's DICOM data dictionary, private dictionary and UID registry.

Source
------
The data comes from the pydicom wheel's generated modules

    pydicom/_dicom_dict.py    DicomDictionary + RepeatersDictionary (PS3.6 §6, §7, §8; PS3.7 §E.1)
    pydicom/_uid_dict.py      UID_dictionary (PS3.6 Annex A)
    pydicom/_private_dict.py  private_dictionaries (taken by pydicom from GDCM's private dictionary)

which pydicom itself generates from the DICOM Standard, PS3.6 (Data Dictionary). The
edition is read from pydicom's `_version.py` (`__dicom_version__`) and recorded in the
generated files' headers along with the pydicom version.

The modules are plain data; this script loads them by file path (stdlib only, no pydicom
import needed in the running interpreter).

Usage
-----
    scripts/generate-dictionary.py [--pydicom-dir DIR] [--output-dir DIR] [--tag-constants let|computed]

--pydicom-dir   the installed `pydicom` package directory. Default: the one found by
                `import pydicom` in the repository's `.build/venv/bin/python`, else in
                the running interpreter.
--output-dir    the Swift package root (default: the repository containing this script).
--tag-constants `let` (default): `public static let patientName = Tag(0x0010, 0x0010)`;
                `computed`: `@inlinable public static var patientName: Tag { ... }`. The
                5,000 stored constants are most of the DICOM module's compile time.

Writes, under Sources/DICOM/Generated/:
    StandardDictionaryTable.swift  PrivateDictionaryTable.swift  UIDRegistryTable.swift
    TagConstants.swift  UIDConstants.swift

The output depends only on the input files (no user, host or date), so running the
script twice gives identical files.
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import os
import re
import subprocess
import sys

VRS = {
    "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "OB", "OD",
    "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI",
    "UL", "UN", "UR", "US", "UT", "UV",
}

# Swift reserved words (keywords usable nowhere as plain identifiers, plus ones that
# would be confusing as member names).
SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func",
    "import", "init", "inout", "internal", "let", "open", "operator", "private",
    "precedencegroup", "protocol", "public", "rethrows", "static", "struct", "subscript",
    "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do",
    "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw",
    "switch", "where", "while", "as", "any", "false", "is", "nil", "self", "Self", "super",
    "throws", "true", "try", "await", "async", "some", "Type", "Protocol", "consume",
    "copy", "discard", "borrowing", "consuming", "each", "macro", "package",
}

# Members Tag already declares in Core/Tag.swift; dictionary keywords mapping to these
# (Item, ItemDelimitationItem, SequenceDelimitationItem) are not redeclared.
TAG_MEMBERS = {
    "rawValue", "group", "element", "isPrivate", "isPrivateCreator", "privateCreatorTag",
    "isFileMeta", "isGroupLength", "item", "itemDelimitationItem",
    "sequenceDelimitationItem", "isDelimiter", "description", "jsonKey", "hashValue",
    "hash",
}

GENERATED = "Sources/DICOM/Generated"


def lower_camel(keyword: str) -> str:
    """`PatientName` → `patientName`, `SOPInstanceUID` → `sopInstanceUID`,
    `RTPlanLabel` → `rtPlanLabel`, `UID` → `uid`: lowercase the leading run of capitals,
    except its last capital when a lowercase letter follows it."""
    n = 0
    while n < len(keyword) and keyword[n].isupper():
        n += 1
    if n == 0:
        return keyword
    if n == 1 or n == len(keyword) or not keyword[n].islower():
        return keyword[:n].lower() + keyword[n:]
    return keyword[: n - 1].lower() + keyword[n - 1 :]


def load_module(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        sys.exit(f"generate-dictionary: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def locate_pydicom(repo: str) -> str:
    code = "import os, pydicom; print(os.path.dirname(pydicom.__file__))"
    venv_python = os.path.join(repo, ".build", "venv", "bin", "python")
    for python in ([venv_python] if os.access(venv_python, os.X_OK) else []) + [sys.executable]:
        try:
            out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
            path = out.stdout.strip()
            if path and os.path.isfile(os.path.join(path, "_dicom_dict.py")):
                return path
        except (OSError, subprocess.CalledProcessError):
            continue
    sys.exit("generate-dictionary: pydicom not found; pass --pydicom-dir")


def pydicom_versions(pydicom_dir: str) -> tuple[str, str]:
    """(pydicom version, DICOM edition), from the wheel's metadata and _version.py."""
    version = "unknown"
    parent = os.path.dirname(os.path.abspath(pydicom_dir))
    for meta in sorted(glob.glob(os.path.join(parent, "pydicom-*.dist-info", "METADATA"))):
        with open(meta, encoding="utf-8") as f:
            for line in f:
                if line.startswith("Version:"):
                    version = line.split(":", 1)[1].strip()
                    break
    edition = "unknown"
    vpath = os.path.join(pydicom_dir, "_version.py")
    if os.path.isfile(vpath):
        with open(vpath, encoding="utf-8") as f:
            m = re.search(r'__dicom_version__\s*(?::\s*str\s*)?=\s*["\']([^"\']+)["\']', f.read())
            if m:
                edition = m.group(1)
    return version, edition


def normalize_vrs(vr: str, where: str) -> str:
    """`US or SS` → `US/SS`, `OB_OW` → `OB/OW`, `NONE`/empty → `UN`."""
    vr = vr.strip()
    if vr in ("", "NONE"):
        return "UN"
    parts = [p.strip() for p in re.split(r"\s+or\s+|_|/", vr)]
    for p in parts:
        if p not in VRS:
            sys.exit(f"generate-dictionary: unknown VR {vr!r} at {where}")
    return "/".join(parts)


def clean(field: str, where: str) -> str:
    field = field.strip()
    if any(c in field for c in "\t\r\n"):
        sys.exit(f"generate-dictionary: control character in {field!r} at {where}")
    return field


def header(what: str, source: str, version: str, edition: str) -> str:
    return (
        "// GENERATED by scripts/generate-dictionary.py. Do not edit; rerun the script.\n"
        f"// {what}\n"
        f"// Source: pydicom {version} ({source}), generated by pydicom from the DICOM Standard\n"
        f"// PS3.6 Data Dictionary, edition {edition}.\n"
    )


def raw_literal(name: str, doc: str, columns: str, lines: list[str]) -> str:
    body = "\n".join(lines)
    if '"##' in body or "\\##" in body:
        sys.exit("generate-dictionary: table text would end the raw string literal")
    for line in lines:
        if line != line.rstrip():
            sys.exit(f"generate-dictionary: trailing whitespace in {line!r}")
    return (
        f"/// {doc}\n"
        f"/// One entry per line, fields separated by tabs: {columns}.\n"
        f"let {name}: String = ##\"\"\"\n{body}\n\"\"\"##\n"
    )


def main() -> None:
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pydicom-dir", help="the installed pydicom package directory")
    ap.add_argument("--output-dir", default=repo, help="the Swift package root")
    ap.add_argument("--tag-constants", choices=["let", "computed"], default="computed",
                    help="`public static let x = Tag(g, e)` , or "
                         "`@inlinable public static var x: Tag { Tag(rawValue: ge) }`, which "
                         "compiles about twice as fast and folds to a constant in client modules")
    args = ap.parse_args()

    pydicom_dir = args.pydicom_dir or locate_pydicom(repo)
    version, edition = pydicom_versions(pydicom_dir)
    dd = load_module(os.path.join(pydicom_dir, "_dicom_dict.py"), "lightbox_dicom_dict")
    ud = load_module(os.path.join(pydicom_dir, "_uid_dict.py"), "lightbox_uid_dict")
    pd = load_module(os.path.join(pydicom_dir, "_private_dict.py"), "lightbox_private_dict")
    out_dir = os.path.join(args.output_dir, GENERATED)
    os.makedirs(out_dir, exist_ok=True)

    def write(filename: str, text: str) -> None:
        path = os.path.join(out_dir, filename)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    return
        except FileNotFoundError:
            pass
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)

    # ---- Standard dictionary (exact tags, then repeating-group masks) ----
    std_lines: list[str] = []
    tag_consts: list[tuple[str, int, str, str, str, bool]] = []
    for tag in sorted(dd.DicomDictionary):
        vr, vm, name, retired, keyword = dd.DicomDictionary[tag]
        where = f"{tag:08X}"
        std_lines.append("\t".join([
            f"{tag:08X}", normalize_vrs(vr, where), clean(vm, where), clean(keyword, where),
            clean(name, where), "R" if retired else "-",
        ]))
        if keyword:
            tag_consts.append((keyword, tag, name, vr, vm, bool(retired)))
    repeat_lines: list[str] = []
    for mask, (vr, vm, name, retired, keyword) in dd.RepeatersDictionary.items():
        if not re.fullmatch(r"[0-9A-Fa-fx]{8}", mask):
            sys.exit(f"generate-dictionary: bad repeater mask {mask!r}")
        repeat_lines.append("\t".join([
            mask.upper().replace("X", "x"), normalize_vrs(vr, mask), clean(vm, mask),
            clean(keyword, mask), clean(name, mask), "R" if retired else "-",
        ]))
    write("StandardDictionaryTable.swift", header(
        "DICOM standard data dictionary: PS3.6 §6 (data elements), §7 (file meta), §8 (directory),"
        "\n// PS3.7 §E.1 (command fields), and the repeating-group templates (50xx, 60xx, 7Fxx ...).",
        "pydicom/_dicom_dict.py", version, edition) + "\n" + raw_literal(
        "standardDictionaryTable",
        f"The standard data elements ({len(std_lines)} exact tags, then {len(repeat_lines)} "
        "repeating-group masks with `x` for wildcard nibbles).",
        "tag (8 hex digits or mask), VRs (`/`-separated, first is the default), VM, keyword, "
        "name, `R` retired or `-`",
        std_lines + repeat_lines))

    # ---- Private dictionary ----
    priv_lines: list[str] = []
    for creator in sorted(pd.private_dictionaries):
        entries = pd.private_dictionaries[creator]
        c = clean(creator, creator)
        for key in sorted(entries):
            vr, vm, name, retired = entries[key]
            where = f"{creator}/{key}"
            if not re.fullmatch(r"[0-9A-Fa-fx]{8}", key):
                sys.exit(f"generate-dictionary: bad private tag {where!r}")
            priv_lines.append("\t".join([
                c, key.upper().replace("X", "x"), normalize_vrs(vr, where), clean(vm, where),
                clean(name, where), "R" if retired else "-",
            ]))
    write("PrivateDictionaryTable.swift", header(
        "Private data element dictionary, by private creator (from GDCM via pydicom).",
        "pydicom/_private_dict.py", version, edition) + "\n" + raw_literal(
        "privateDictionaryTable",
        f"{len(priv_lines)} private data elements of {len(pd.private_dictionaries)} private creators.",
        "private creator, tag (`xx` marks the block byte or other wildcard digits), VRs, VM, "
        "name, `R` retired or `-`",
        priv_lines))

    # ---- UID registry ----
    uid_lines: list[str] = []
    uid_consts: list[tuple[str, str, str, bool]] = []
    for uid, (name, kind, _info, retired, keyword) in ud.UID_dictionary.items():
        if not re.fullmatch(r"[0-9.]+", uid):
            sys.exit(f"generate-dictionary: bad UID {uid!r}")
        uid_lines.append("\t".join([
            uid, clean(keyword, uid), clean(kind, uid), clean(name, uid), "R" if retired else "-",
        ]))
        if keyword:
            uid_consts.append((keyword, uid, name, bool(retired)))
    write("UIDRegistryTable.swift", header(
        "DICOM UID registry, PS3.6 Annex A.", "pydicom/_uid_dict.py", version, edition)
        + "\n" + raw_literal(
            "uidRegistryTable", f"{len(uid_lines)} registered UIDs.",
            "UID, keyword, type, name, `R` retired or `-`", uid_lines))

    # ---- Tag constants ----
    seen: dict[str, str] = {}
    out = [header("Tag constants for every standard keyword outside the repeating groups.",
                  "pydicom/_dicom_dict.py", version, edition),
           "extension Tag {"]
    for keyword, tag, name, vr, vm, retired in tag_consts:
        ident = lower_camel(keyword)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", ident):
            ident = "_" + ident
        if ident in SWIFT_KEYWORDS or ident in TAG_MEMBERS:
            continue
        if ident in seen:
            sys.exit(f"generate-dictionary: {keyword} and {seen[ident]} both map to {ident}")
        seen[ident] = keyword
        note = " (retired)" if retired else ""
        out.append(f"    /// ({tag >> 16:04X},{tag & 0xFFFF:04X}) {name}, {vr}, VM {vm}{note}")
        if args.tag_constants == "let":
            out.append(f"    public static let {ident} = Tag(0x{tag >> 16:04X}, 0x{tag & 0xFFFF:04X})")
        else:
            out.append(f"    @inlinable public static var {ident}: Tag {{ Tag(rawValue: 0x{tag:08X}) }}")
    out.append("}")
    write("TagConstants.swift", "\n".join(out[:1]) + "\n" + "\n".join(out[1:]) + "\n")

    # ---- UID constants ----
    seen = {}
    out = [header("UID constants for every registered UID with a keyword.",
                  "pydicom/_uid_dict.py", version, edition),
           "/// Registered DICOM UIDs (PS3.6 Annex A), named by their PS3.6 keyword in lowerCamelCase.",
           "public enum UIDs {"]
    for keyword, uid, name, retired in uid_consts:
        ident = lower_camel(keyword)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", ident):
            ident = "_" + ident
        if ident in SWIFT_KEYWORDS:
            continue
        if ident in seen:
            sys.exit(f"generate-dictionary: {keyword} and {seen[ident]} both map to {ident}")
        seen[ident] = keyword
        note = " (retired)" if retired else ""
        out.append(f"    /// {name}{note}")
        out.append(f"    public static let {ident} = \"{uid}\"")
    out.append("}")
    write("UIDConstants.swift", "\n".join(out[:1]) + "\n" + "\n".join(out[1:]) + "\n")

    print(f"generate-dictionary: pydicom {version}, DICOM {edition}: {len(std_lines)} tags, "
          f"{len(repeat_lines)} repeater masks, {len(priv_lines)} private entries, "
          f"{len(uid_lines)} UIDs -> {out_dir}")


if __name__ == "__main__":
    main()
