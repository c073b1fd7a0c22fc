#!/usr/bin/env python3
"""Oracle: one print attempt per case from pynetdicom 3, reporting the status of every step.

Usage: pynetdicom_print_cases.py HOST PORT CALLED_AE CASES.json
CASES: [{"name": ..., "session": {attrs}, "filmbox": {attrs}, "format": "STANDARD\\1,1",
         "imagebox": {attrs}, "image": {"rows":..,"cols":..,"bits":8|12,"wrong_size":false} | null,
         "action": "filmbox" | "session" | null, "unknown_uid": false}]
Each case runs on its own association: N-CREATE film session (with "session" attributes),
N-CREATE film box ("format", "filmbox" attributes), N-SET of image box 1 ("imagebox" attributes
and "image"), then the N-ACTION asked for. Prints a JSON list: per case, the status of each step
run (a step after a failed N-CREATE is not run).
"""
import json
import sys

from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pynetdicom import AE
from pynetdicom_reactor_gate import ReactorGate
from pynetdicom.sop_class import (BasicFilmBox, BasicFilmSession, BasicGrayscaleImageBox,
                                  BasicGrayscalePrintManagementMeta)

META = BasicGrayscalePrintManagementMeta


def image_item(spec):
    rows, cols, bits = spec.get("rows", 16), spec.get("cols", 16), spec.get("bits", 8)
    item = Dataset()
    item.SamplesPerPixel = 1
    item.PhotometricInterpretation = "MONOCHROME2"
    item.Rows, item.Columns = rows, cols
    item.BitsAllocated = 8 if bits == 8 else 16
    item.BitsStored = bits
    item.HighBit = bits - 1
    item.PixelRepresentation = 0
    n = rows * cols * (1 if bits == 8 else 2)
    if spec.get("wrong_size"):
        n //= 2
    item.PixelData = bytes(n + (n & 1))
    return item


def apply(ds, attrs):
    for k, v in (attrs or {}).items():
        if k.startswith("0x"):
            ds.add_new(int(k, 16), v[0], v[1])
        else:
            setattr(ds, k, v)


def status_of(status):
    """The Status of a response, or None when none came (timeout, abort)."""
    return int(status.Status) if status is not None and "Status" in status else None


def run(ae, host, port, called, case):
    steps = {}
    assoc = ae.associate(host, port, ae_title=called)
    if not assoc.is_established:
        return {"name": case["name"], "error": "no association"}
    # No request comes from the SCP here: park pynetdicom's reactor, which otherwise swallows a
    # response now and then under load (pynetdicom_reactor_gate.py).
    gate = ReactorGate.park(assoc)
    try:
        session = Dataset()
        apply(session, case.get("session"))
        session_uid = generate_uid()
        # An empty Dataset would go out flagged "data set follows" with no data set (pynetdicom
        # 3.0 tests a BytesIO for truth), and any SCP would wait for it: send none instead.
        status, _ = assoc.send_n_create(session if len(session) else None, BasicFilmSession, session_uid, meta_uid=META)
        steps["session"] = status_of(status)
        if steps["session"] not in (0x0000, 0xB600):
            return {"name": case["name"], "steps": steps}
        fb = Dataset()
        if case.get("format", "STANDARD\\1,1") is not None:
            fb.ImageDisplayFormat = case.get("format", "STANDARD\\1,1")
        apply(fb, case.get("filmbox"))
        ref = Dataset()
        ref.ReferencedSOPClassUID = BasicFilmSession
        ref.ReferencedSOPInstanceUID = session_uid
        fb.ReferencedFilmSessionSequence = [ref]
        fb_uid = generate_uid()
        status, ds = assoc.send_n_create(fb, BasicFilmBox, fb_uid, meta_uid=META)
        steps["filmbox"] = status_of(status)
        if ds is None or steps["filmbox"] not in (0x0000, 0xB605):
            if case.get("action") == "session":
                status, _ = assoc.send_n_action(None, 1, BasicFilmSession, session_uid, meta_uid=META)
                steps["action"] = status_of(status)
            return {"name": case["name"], "steps": steps}
        boxes = [i.ReferencedSOPInstanceUID for i in ds.ReferencedImageBoxSequence]
        steps["boxes"] = len(boxes)
        if case.get("imagebox") is not None or case.get("image") is not None:
            ib = Dataset()
            ib.ImageBoxPosition = 1
            apply(ib, case.get("imagebox"))
            if case.get("image") is not None:
                ib.BasicGrayscaleImageSequence = [image_item(case["image"])]
            target = generate_uid() if case.get("unknown_uid") else boxes[0]
            status, _ = assoc.send_n_set(ib, BasicGrayscaleImageBox, target, meta_uid=META)
            steps["imagebox"] = status_of(status)
        if case.get("action") == "filmbox":
            status, _ = assoc.send_n_action(None, 1, BasicFilmBox, fb_uid, meta_uid=META)
            steps["action"] = status_of(status)
        elif case.get("action") == "session":
            status, _ = assoc.send_n_action(None, 1, BasicFilmSession, session_uid, meta_uid=META)
            steps["action"] = status_of(status)
    finally:
        gate.open()
        if assoc.is_established:
            assoc.release()
    return {"name": case["name"], "steps": steps}


def main() -> int:
    host, port, called, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    cases = json.load(open(path, encoding="utf-8"))
    ae = AE(ae_title="PRINTCASES")
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    ae.add_requested_context(META, ExplicitVRLittleEndian)
    results = []
    for c in cases:
        try:
            results.append(run(ae, host, port, called, c))
        except Exception as e:  # a case that breaks is reported, the others still run
            results.append({"name": c["name"], "error": f"{type(e).__name__}: {e}"})
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
