#!/usr/bin/env python3
"""Oracle: load a DICOMDIR with pydicom's FileSet and list what it finds.

Usage: pydicom_fileset.py DICOMDIR
Prints JSON: {"fileset_id", "instances": [{"sop_instance_uid", "record_type", "path", "file_sop_instance_uid"}],
"warnings": [...]}. Every referenced file is opened, so a wrong File ID or UID shows up.
Exit status 1 when pydicom cannot load the DICOMDIR.
"""
import json
import sys
import warnings

from pydicom import dcmread
from pydicom.fileset import FileSet


def main() -> int:
    path = sys.argv[1]
    caught = []
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            fs = FileSet(dcmread(path))
        except Exception as e:  # noqa: BLE001 - the oracle reports any failure
            print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
            return 1
        out = []
        for inst in fs:
            ds = inst.load()
            out.append({
                "sop_instance_uid": str(inst.SOPInstanceUID),
                "record_type": str(inst.node.record_type),
                "path": inst.path,
                "file_sop_instance_uid": str(ds.SOPInstanceUID),
            })
        caught = [str(x.message) for x in w]
    print(json.dumps({"fileset_id": fs.ID, "instances": out, "warnings": caught}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
