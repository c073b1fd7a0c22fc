#!/usr/bin/env python3
"""Oracle peer: pynetdicom as C-FIND SCU (Study Root), against a Lightbox test service.

Usage: qr_pynetdicom_find_scu.py PORT CALLED_AE [--cancel-after K] [--level STUDY]
Sends one C-FIND (QueryRetrieveLevel, PatientName universal, PatientID, StudyInstanceUID return
keys); with --cancel-after K it sends C-CANCEL (PS3.7 9.3.2.3, `assoc.send_c_cancel`) once K
Pending responses have come. Prints JSON: {"pending": N, "final_status": S, "ids": [PatientID of
each match, as pydicom decodes it], "names": [PatientName of each match], "cancel_sent_after": K}.
Exit 0 when a final response came, 1 otherwise.
"""
import argparse
import json
import sys

from pydicom.dataset import Dataset
from pynetdicom import AE
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind as FIND


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("aet")
    ap.add_argument("--cancel-after", type=int)
    ap.add_argument("--level", default="STUDY")
    args = ap.parse_args()

    ae = AE(ae_title="PYFINDSCU")
    ae.acse_timeout = 30
    ae.dimse_timeout = 30
    ae.network_timeout = 30
    ae.add_requested_context(FIND)
    assoc = ae.associate("127.0.0.1", args.port, ae_title=args.aet)
    if not assoc.is_established:
        print(json.dumps({"error": "association not established"}))
        return 1
    context_id = next(cx.context_id for cx in assoc.accepted_contexts if cx.abstract_syntax == FIND)
    q = Dataset()
    q.QueryRetrieveLevel = args.level
    q.PatientName = "*"
    q.PatientID = ""
    q.StudyInstanceUID = ""
    out = {"pending": 0, "final_status": None, "ids": [], "names": [], "cancel_sent_after": None}
    for status, identifier in assoc.send_c_find(q, FIND, msg_id=7):
        if status is None or "Status" not in status:
            out["error"] = "no response (timeout or abort)"
            break
        s = int(status.Status)
        if s in (0xFF00, 0xFF01):
            out["pending"] += 1
            if identifier is not None:
                out["ids"].append(str(identifier.get("PatientID", "")))
                out["names"].append(str(identifier.get("PatientName", "")))
            if args.cancel_after is not None and out["pending"] == args.cancel_after:
                assoc.send_c_cancel(7, context_id)
                out["cancel_sent_after"] = out["pending"]
        else:
            out["final_status"] = s
    assoc.release()
    print(json.dumps(out, ensure_ascii=False))
    return 0 if out["final_status"] is not None else 1


if __name__ == "__main__":
    sys.exit(main())
