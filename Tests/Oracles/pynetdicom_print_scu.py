#!/usr/bin/env python3
"""Oracle: a foreign print SCU (pynetdicom 3) driving a Basic Grayscale Print Management SCP.

Usage: pynetdicom_print_scu.py HOST PORT CALLED_AE PLAN.json
PLAN: {"session": {...attrs...}, "presentation_lut": "LIN OD" | null, "print_job": true,
       "annotation": true, "action": "session" | "filmbox",
       "films": [{"format": "STANDARD\\2,2", "size": "14INX17IN", "orientation": "PORTRAIT",
                  "attrs": {...}, "images": [{"rows": 64, "cols": 64, "bits": 12, "polarity": "NORMAL",
                                               "photometric": "MONOCHROME2" | "MONOCHROME1",
                                               "pattern": "ramp" | "raster_ramp" | "flat:V" | "checker",
                                               "wrong_size": false}],
                  "annotations": ["text", ...]}],
       "abort_after": null | "filmbox",
       "action_uid": null | "unknown",
       "events_timeout": 60 (seconds to wait for DONE or FAILURE before the Print Job N-GET),
       "hold_after_session": null | {"ready_file": PATH, "release_file": PATH, "timeout": 60}}
Patterns: "ramp" = value rising along each row (column c of C: c * max // (C - 1)); "raster_ramp" =
value rising in raster order (pixel i of N: i * max // (N - 1), so a 64 x 64 12-bit or a 16 x 16
8-bit image holds every P-Value once); "flat:V" = V everywhere; anything else a checker board.
"action_uid": "unknown" sends the N-ACTION to a SOP Instance UID the SCP never created.
"hold_after_session": after the Film Session N-CREATE, create ready_file and wait (at most
timeout seconds) until release_file exists, then go on: a peer stuck in the middle of a session.
Prints one JSON object: every response status per step, the Referenced Image Box UIDs, the
N-EVENT-REPORT event types received for the print job, and the Printer's N-GET answer.
"""
import os
import json
import sys
import threading
import time

from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pynetdicom import AE, evt
from pynetdicom_reactor_gate import ReactorGate
from pynetdicom.sop_class import (BasicAnnotationBox, BasicFilmBox, BasicFilmSession,
                                  BasicGrayscaleImageBox, BasicGrayscalePrintManagementMeta,
                                  PresentationLUT, Printer, PrintJob)

PRINTER_INSTANCE = "1.2.840.10008.5.1.1.17"


def image_item(spec):
    rows, cols, bits = spec.get("rows", 64), spec.get("cols", 64), spec.get("bits", 8)
    item = Dataset()
    item.SamplesPerPixel = 1
    item.PhotometricInterpretation = spec.get("photometric", "MONOCHROME2")
    item.Rows, item.Columns = rows, cols
    item.BitsAllocated = 8 if bits == 8 else 16
    item.BitsStored = bits
    item.HighBit = bits - 1
    item.PixelRepresentation = 0
    maxv = (1 << bits) - 1
    pattern = spec.get("pattern", "ramp")
    values = []
    for r in range(rows):
        for c in range(cols):
            if pattern == "ramp":
                values.append((c * maxv) // max(cols - 1, 1))
            elif pattern == "raster_ramp":
                values.append(((r * cols + c) * maxv) // max(rows * cols - 1, 1))
            elif pattern.startswith("flat:"):
                values.append(int(pattern[5:]))
            else:
                values.append(maxv if (r // 8 + c // 8) % 2 else 0)
    if bits == 8:
        data = bytes(values)
    else:
        data = b"".join(int(v).to_bytes(2, "little") for v in values)
    if spec.get("wrong_size"):
        data = data[: len(data) // 2]
    item.PixelData = data
    return item


def main() -> int:
    host, port, called, plan_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    plan = json.load(open(plan_path, encoding="utf-8"))
    out = {"steps": [], "events": [], "image_boxes": []}
    events_done = threading.Event()

    def on_event(event):
        kind = int(event.request.EventTypeID)
        out["events"].append(kind)
        if kind in (3, 4):
            events_done.set()
        return 0x0000, None

    ae = AE(ae_title=plan.get("aet", "PYNETDICOM"))
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 60
    ae.add_requested_context(BasicGrayscalePrintManagementMeta, ExplicitVRLittleEndian)
    if plan.get("presentation_lut"):
        ae.add_requested_context(PresentationLUT, ExplicitVRLittleEndian)
    if plan.get("annotation"):
        ae.add_requested_context(BasicAnnotationBox, ExplicitVRLittleEndian)
    if plan.get("print_job"):
        ae.add_requested_context(PrintJob, ExplicitVRLittleEndian)
    assoc = ae.associate(host, port, ae_title=called, evt_handlers=[(evt.EVT_N_EVENT_REPORT, on_event)])
    if not assoc.is_established:
        print(json.dumps({"error": "association not established"}))
        return 2
    # Without Print Job no request comes from the SCP: park pynetdicom's reactor, which otherwise
    # swallows a response now and then under load (pynetdicom_reactor_gate.py).
    gate = None if plan.get("print_job") else ReactorGate.park(assoc)

    def step(name, status, ds=None):
        out["steps"].append({"step": name, "status": int(status.Status) if status else None})
        return ds

    def attrs(ds, mapping):
        if any(isinstance(v, str) and not v.isascii() for v in (mapping or {}).values()):
            ds.SpecificCharacterSet = "ISO_IR 192"
        for k, v in (mapping or {}).items():
            setattr(ds, k, v)

    status, ds = assoc.send_n_get([0x21100010, 0x21100020], Printer, PRINTER_INSTANCE, meta_uid=BasicGrayscalePrintManagementMeta)
    step("printer n-get", status)
    out["printer"] = {"status": str(ds.PrinterStatus) if ds is not None and "PrinterStatus" in ds else None}

    lut_uid = None
    if plan.get("presentation_lut"):
        lut = Dataset()
        lut.PresentationLUTShape = plan["presentation_lut"]
        lut_uid = generate_uid()
        status, ds = assoc.send_n_create(lut, PresentationLUT, lut_uid)
        step("presentation lut n-create", status)

    session = Dataset()
    attrs(session, plan.get("session", {"NumberOfCopies": 1}))
    # pynetdicom proposes the SOP Instance UID of an N-CREATE and expects the SCP to keep it.
    session_uid = plan.get("session_uid") or generate_uid()
    status, ds = assoc.send_n_create(session, BasicFilmSession, session_uid, meta_uid=BasicGrayscalePrintManagementMeta)
    step("session n-create", status)
    out["session_uid"] = session_uid

    hold = plan.get("hold_after_session")
    if hold:
        open(hold["ready_file"], "w").close()
        deadline = time.monotonic() + hold.get("timeout", 60)
        while not os.path.exists(hold["release_file"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        out["held"] = os.path.exists(hold["release_file"])
    # N-ACTION addressed to an instance that was never created (PS3.7 C.4.3: 0112).
    unknown = plan.get("action_uid") == "unknown"

    film_uids = []
    for film in plan.get("films", []):
        fb = Dataset()
        fb.ImageDisplayFormat = film.get("format", "STANDARD\\1,1")
        fb.FilmSizeID = film.get("size", "14INX17IN")
        fb.FilmOrientation = film.get("orientation", "PORTRAIT")
        if film.get("annotation_format"):
            fb.AnnotationDisplayFormatID = film["annotation_format"]
        attrs(fb, film.get("attrs"))
        ref = Dataset()
        ref.ReferencedSOPClassUID = BasicFilmSession
        ref.ReferencedSOPInstanceUID = session_uid
        fb.ReferencedFilmSessionSequence = [ref]
        if lut_uid and film.get("use_lut", True):
            lref = Dataset()
            lref.ReferencedSOPClassUID = PresentationLUT
            lref.ReferencedSOPInstanceUID = lut_uid
            fb.ReferencedPresentationLUTSequence = [lref]
        fb_uid = film.get("uid") or generate_uid()
        status, ds = assoc.send_n_create(fb, BasicFilmBox, fb_uid, meta_uid=BasicGrayscalePrintManagementMeta)
        step("filmbox n-create", status)
        if ds is None or status.Status not in (0x0000, 0xB605):
            continue
        film_uids.append(fb_uid)
        boxes = [i.ReferencedSOPInstanceUID for i in ds.ReferencedImageBoxSequence]
        out["image_boxes"].append(len(boxes))
        for n, spec in enumerate(film.get("images", [])):
            if n >= len(boxes):
                break
            ib = Dataset()
            ib.ImageBoxPosition = n + 1
            if spec.get("polarity"):
                ib.Polarity = spec["polarity"]
            ib.BasicGrayscaleImageSequence = [image_item(spec)]
            status, _ = assoc.send_n_set(ib, BasicGrayscaleImageBox, boxes[n], meta_uid=BasicGrayscalePrintManagementMeta)
            step("imagebox n-set", status)
        annos = [i.ReferencedSOPInstanceUID for i in ds.get("ReferencedBasicAnnotationBoxSequence", [])]
        for n, text in enumerate(film.get("annotations", [])):
            if n >= len(annos):
                break
            ab = Dataset()
            ab.SpecificCharacterSet = "ISO_IR 192"
            ab.AnnotationPosition = n + 1
            ab.TextString = text
            status, _ = assoc.send_n_set(ab, BasicAnnotationBox, annos[n])
            step("annotation n-set", status)
        if plan.get("abort_after") == "filmbox":
            if gate:
                gate.open()
            assoc.abort()
            print(json.dumps(out))
            return 0
        if plan.get("action") == "filmbox":
            status, ds = assoc.send_n_action(None, 1, BasicFilmBox, generate_uid() if unknown else fb_uid,
                                             meta_uid=BasicGrayscalePrintManagementMeta)
            step("filmbox n-action", status)
    if plan.get("action", "session") == "session":
        status, ds = assoc.send_n_action(None, 1, BasicFilmSession, generate_uid() if unknown else session_uid,
                                         meta_uid=BasicGrayscalePrintManagementMeta)
        step("session n-action", status)
        if ds is not None and "ReferencedPrintJobSequence" in ds:
            out["print_job"] = ds.ReferencedPrintJobSequence[0].ReferencedSOPInstanceUID
    if plan.get("print_job") and out.get("print_job"):
        events_done.wait(timeout=plan.get("events_timeout", 60))
        status, ds = assoc.send_n_get([0x21000020, 0x21000030], PrintJob, out["print_job"])
        step("print job n-get", status)
        out["execution_status"] = str(ds.ExecutionStatus) if ds is not None and "ExecutionStatus" in ds else None
        out["execution_status_info"] = str(ds.ExecutionStatusInfo) if ds is not None and "ExecutionStatusInfo" in ds else None
    status = assoc.send_n_delete(BasicFilmSession, session_uid, meta_uid=BasicGrayscalePrintManagementMeta)
    step("session n-delete", status)
    if gate:
        gate.open()
    assoc.release()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
