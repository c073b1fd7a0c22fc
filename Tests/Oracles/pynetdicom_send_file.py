#!/usr/bin/env python3
"""Oracle peer: C-STORE of one file's data set exactly as stored (pynetdicom streams the bytes
of a file given by path, without decoding or re-encoding them).

Usage: pynetdicom_send_file.py FILE PORT CALLED_AE
Prints JSON: {"established", "status", "aborted"}; status is null when no response came.
"""
import json
import sys

from pydicom import dcmread
from pynetdicom import AE


def main() -> int:
    path, port, called = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ds = dcmread(path, stop_before_pixels=True)
    ae = AE(ae_title="PYSTORESCU")
    ae.add_requested_context(ds.SOPClassUID, ds.file_meta.TransferSyntaxUID)
    assoc = ae.associate("127.0.0.1", port, ae_title=called)
    if not assoc.is_established:
        print(json.dumps({"established": False, "status": None, "aborted": assoc.is_aborted}))
        return 0
    status = assoc.send_c_store(path)
    out = {"established": True, "status": int(status.Status) if status else None, "aborted": assoc.is_aborted}
    if assoc.is_established:
        assoc.release()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
