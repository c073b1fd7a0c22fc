#!/usr/bin/env python3
"""Oracle: what a local Orthanc holds, through its REST API (query/retrieve tests, issue 16).

Usage: qr_orthanc.py HTTP_PORT patient-instances PATIENT_ID -> JSON list of the SOP Instance UIDs
                                                               Orthanc stores for that patient
       qr_orthanc.py HTTP_PORT study-instances STUDY_UID   -> the same for one study
"""
import json
import sys
import urllib.request


def get(port, path, data=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data)
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read()


def main() -> int:
    port, verb, value = sys.argv[1], sys.argv[2], sys.argv[3]
    key = {"patient-instances": "PatientID", "study-instances": "StudyInstanceUID"}.get(verb)
    if key is None:
        print("unknown verb", verb)
        return 2
    query = json.dumps({"Level": "Instance", "Query": {key: value}, "Expand": True}).encode()
    found = json.loads(get(port, "/tools/find", query))
    print(json.dumps(sorted(i["MainDicomTags"]["SOPInstanceUID"] for i in found)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
