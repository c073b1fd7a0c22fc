#!/usr/bin/env python3
"""Oracle: asks a local Orthanc what it stored, through its REST API.

Usage: orthanc_rest.py HTTP_PORT instances            -> JSON list of SOP Instance UIDs stored
       orthanc_rest.py HTTP_PORT file SOP_UID OUT     -> writes that instance's stored file to OUT
"""
import json
import sys
import urllib.request


def get(port, path, data=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data)
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read()


def main() -> int:
    port, verb = sys.argv[1], sys.argv[2]
    if verb == "instances":
        uids = []
        for oid in json.loads(get(port, "/instances")):
            tags = json.loads(get(port, f"/instances/{oid}/simplified-tags"))
            uids.append(tags["SOPInstanceUID"])
        print(json.dumps(sorted(uids)))
        return 0
    if verb == "file":
        uid, out = sys.argv[3], sys.argv[4]
        query = json.dumps({"Level": "Instance", "Query": {"SOPInstanceUID": uid}}).encode()
        found = json.loads(get(port, "/tools/find", query))
        if len(found) != 1:
            print(f"{len(found)} instances with SOP Instance UID {uid}")
            return 1
        with open(out, "wb") as f:
            f.write(get(port, f"/instances/{found[0]}/file"))
        return 0
    print("unknown verb", verb)
    return 2


if __name__ == "__main__":
    sys.exit(main())
