#!/usr/bin/env python3
"""Oracle: what pydicom's FileSet finds in a DICOMDIR, as a tree of counts.

Usage: pydicom_fileset_tree.py DICOMDIR
Prints JSON {"patients": {PatientID: {StudyInstanceUID: {SeriesInstanceUID: instance count}}},
"names": {PatientID: PatientName}}, built from the instances FileSet lists (records with a
Referenced File ID, reached through the offsets). Files are not opened.
Exit status 1 with {"error": ...} when pydicom cannot load the DICOMDIR.
"""
import json
import sys
import warnings

from pydicom import dcmread
from pydicom.fileset import FileSet


def main() -> int:
    warnings.simplefilter("ignore")
    try:
        fs = FileSet(dcmread(sys.argv[1]))
    except Exception as e:  # noqa: BLE001 - the oracle reports any failure
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        return 1
    tree, names = {}, {}
    for inst in fs:
        pid = str(getattr(inst, "PatientID", ""))
        names[pid] = str(getattr(inst, "PatientName", ""))
        series = tree.setdefault(pid, {}).setdefault(str(inst.StudyInstanceUID), {})
        uid = str(inst.SeriesInstanceUID)
        series[uid] = series.get(uid, 0) + 1
    print(json.dumps({"patients": tree, "names": names}, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
