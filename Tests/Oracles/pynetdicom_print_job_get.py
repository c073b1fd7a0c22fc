#!/usr/bin/env python3
"""Oracle: a foreign SCU (pynetdicom 3) asks a print SCP for a Print Job's status (N-GET, PS3.4 H.4.6).

Usage: pynetdicom_print_job_get.py HOST PORT CALLED_AE PRINT_JOB_UID
Prints JSON: {"status": N-GET status, "execution_status": ..., "execution_status_info": ...}.
"""
import json
import sys

from pynetdicom import AE
from pynetdicom.sop_class import PrintJob
from pydicom.uid import ExplicitVRLittleEndian


def main() -> int:
    host, port, called, uid = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    ae = AE(ae_title="PRINTJOBGET")
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    ae.add_requested_context(PrintJob, ExplicitVRLittleEndian)
    assoc = ae.associate(host, port, ae_title=called)
    if not assoc.is_established:
        print(json.dumps({"error": "association not established"}))
        return 2
    status, ds = assoc.send_n_get([0x21000020, 0x21000030], PrintJob, uid)
    out = {"status": int(status.Status) if status else None,
           "execution_status": str(ds.ExecutionStatus) if ds is not None and "ExecutionStatus" in ds else None,
           "execution_status_info": str(ds.ExecutionStatusInfo) if ds is not None and "ExecutionStatusInfo" in ds else None}
    assoc.release()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
