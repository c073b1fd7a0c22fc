#!/usr/bin/env python3
"""Oracle peer: a pynetdicom Query/Retrieve SCP (Patient Root and Study Root FIND, GET and MOVE, plus
Verification) serving the DICOM files of a folder, for `lightbox find` and `lightbox retrieve`.

Usage: qr_pynetdicom_scp.py PORT AE_TITLE FOLDER [options]
  --dest AE=PORT           a C-MOVE destination on 127.0.0.1 (repeatable); other AEs get A801
  --pace SECONDS           sleep after each C-GET / C-MOVE sub-operation (for C-CANCEL tests)
  --abort-move-after K     C-MOVE: after K sub-operations, abort the association (A-ABORT)
  --abort-store-during K   C-MOVE: send sub-operation K+1 with 64 MB of extra data (a private OB
                           element); once 8 MB of it went, abort the C-MOVE association and cut
                           the storage sub-association's connection in the middle of a PDU: the
                           receiver holds a partial object when it ends
  --many N                 C-FIND: answer every query with N generated matches (PatientName
                           MANY^n, PatientID ID%05d, PatientComments of --comment-bytes bytes)
  --comment-bytes B        size of each generated PatientComments (default 0: not sent)
  --hold FILE              C-FIND --many: after the last Pending response, wait (up to 60 s) for
                           FILE to exist before the final response; `FILE.held` is written
                           when the wait starts
  --find-sleep SECONDS     C-FIND: sleep this long before answering at all (a peer that never answers)
  --log FILE               one JSON line per event (find/get/move requests, cancels, aborts)

Matching (PS3.4 C.2.2.2): single value, universal (empty), wildcard * and ?, UID list, date/time
range; a PN value matches as one string ("Alphabetic=Ideographic"), as Orthanc does. Responses hold
the query's keys (values from the files), one per distinct entity at the query's level.
"""
import argparse
import fnmatch
import json
import os
import sys
import threading
import time

import socket

import pydicom
from pydicom.dataset import Dataset
from pynetdicom import AE, evt, build_context, StoragePresentationContexts
from pynetdicom.transport import AssociationSocket
from pynetdicom.sop_class import (
    PatientRootQueryRetrieveInformationModelFind,
    PatientRootQueryRetrieveInformationModelGet,
    PatientRootQueryRetrieveInformationModelMove,
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
    Verification,
)

LEVEL_KEY = {"PATIENT": "PatientID", "STUDY": "StudyInstanceUID", "SERIES": "SeriesInstanceUID",
             "IMAGE": "SOPInstanceUID"}
LEVELS = ["PATIENT", "STUDY", "SERIES", "IMAGE"]

args = None
files = []          # (path, header dataset)
log_lock = threading.Lock()


def log(**event):
    if not args.log:
        return
    with log_lock, open(args.log, "a", encoding="utf-8") as f:
        f.write(json.dumps(event) + "\n")


def load_folder(folder):
    out = []
    for root, _, names in os.walk(folder):
        for n in sorted(names):
            p = os.path.join(root, n)
            try:
                ds = pydicom.dcmread(p, stop_before_pixels=True)
            except Exception:
                continue
            if "SOPInstanceUID" in ds:
                out.append((p, ds))
    return out


def text(ds, key):
    e = ds.data_element(key) if isinstance(key, str) else ds.get(key)
    if e is None or e.value is None:
        return ""
    v = e.value
    if isinstance(v, (list, pydicom.multival.MultiValue)):
        return "\\".join(str(x) for x in v)
    return str(v)


def matches_value(query, value, vr):
    if query == "" or query == "*":
        return True
    if vr == "UI" and "\\" in query:
        return value in query.split("\\")
    if vr in ("DA", "TM", "DT") and "-" in query:
        lo, _, hi = query.partition("-")
        return (not lo or value >= lo) and (not hi or value <= hi)
    if "*" in query or "?" in query:
        return fnmatch.fnmatchcase(value, query)
    return value == query


def matching(identifier):
    level = str(identifier.get("QueryRetrieveLevel", "")).upper()
    if level not in LEVEL_KEY:
        return level, None
    depth = LEVELS.index(level)
    keys = [e for e in identifier if e.tag not in (0x00080005, 0x00080052) and e.tag.element != 0]
    seen = {}
    for path, ds in files:
        ok = True
        for e in keys:
            q = "" if e.value is None else ("\\".join(str(x) for x in e.value)
                                            if isinstance(e.value, (list, pydicom.multival.MultiValue)) else str(e.value))
            if e.VR == "SQ":
                continue
            if not matches_value(q, text(ds, e.tag), e.VR):
                ok = False
                break
        if not ok:
            continue
        entity = tuple(text(ds, LEVEL_KEY[l]) for l in LEVELS[:depth + 1])
        seen.setdefault(entity, []).append((path, ds))
    return level, seen


def find_handler(event):
    identifier = event.identifier
    log(event="find", level=str(identifier.get("QueryRetrieveLevel", "")), assoc=id(event.assoc))
    if args.find_sleep:
        time.sleep(args.find_sleep)
        return
    if args.many:
        for n in range(args.many):
            if event.is_cancelled:
                log(event="find-cancelled", after=n)
                yield 0xFE00, None
                return
            ds = Dataset()
            ds.QueryRetrieveLevel = "PATIENT"
            ds.PatientName = f"MANY^{n}"
            ds.PatientID = f"ID{n:05d}"
            if args.comment_bytes:
                ds.PatientComments = ("C%05d" % n) + "x" * (args.comment_bytes - 6)
            yield 0xFF00, ds
        if args.hold:
            open(args.hold + ".held", "w").close()
            deadline = time.time() + 60
            while not os.path.exists(args.hold) and time.time() < deadline:
                time.sleep(0.05)
            log(event="released", by_file=os.path.exists(args.hold))
        return
    level, groups = matching(identifier)
    if groups is None:
        yield 0xC000, None
        return
    for entity, members in groups.items():
        if event.is_cancelled:
            yield 0xFE00, None
            return
        _, ds = members[0]
        rsp = Dataset()
        if "SpecificCharacterSet" in ds:
            rsp.SpecificCharacterSet = ds.SpecificCharacterSet
        for e in identifier:
            if e.tag == 0x00080005:
                continue
            if e.tag == 0x00080052:
                rsp.QueryRetrieveLevel = level
                continue
            if e.tag in ds:
                rsp.add(ds[e.tag])
            else:
                rsp.add_new(e.tag, e.VR, None)
        yield 0xFF00, rsp


def instances(identifier):
    _, groups = matching(identifier)
    if groups is None:
        return None
    out = []
    for members in groups.values():
        out.extend(p for p, _ in members)
    return out


def get_handler(event):
    paths = instances(event.identifier)
    log(event="get", count=len(paths or []), assoc=id(event.assoc))
    if paths is None:
        yield 0
        return
    yield len(paths)
    for n, p in enumerate(paths):
        if event.is_cancelled:
            log(event="get-cancelled", after=n)
            yield 0xFE00, None
            return
        yield 0xFF00, pydicom.dcmread(p)
        if args.pace:
            time.sleep(args.pace)


def move_handler(event):
    dests = dict(d.split("=") for d in args.dest)
    destination = event.move_destination.decode() if isinstance(event.move_destination, bytes) else event.move_destination
    destination = destination.strip()
    paths = instances(event.identifier)
    log(event="move", destination=destination, count=len(paths or []), assoc=id(event.assoc))
    if destination not in dests:
        yield None, None
        return
    sops = sorted({str(pydicom.dcmread(p, stop_before_pixels=True).SOPClassUID) for p in paths or []})
    contexts = [build_context(s) for s in sops] or [build_context("1.2.840.10008.5.1.4.1.1.2")]
    yield "127.0.0.1", int(dests[destination]), {"contexts": contexts}
    yield len(paths or [])
    for n, p in enumerate(paths or []):
        if args.abort_move_after is not None and n == args.abort_move_after:
            log(event="move-abort", after=n)
            event.assoc.abort()
            return
        if args.abort_store_during is not None and n == args.abort_store_during:
            ds = pydicom.dcmread(p)
            ds.add_new(0x00091010, "LO", "LIGHTBOX TEST")
            ds.add_new(0x00091011, "OB", bytes(64 << 20))
            # Once 8 MB of this object have gone, cutting_send aborts the C-MOVE association and
            # cuts the storage sub-association's connection (half a PDU more, then shutdown).
            CUT.update(armed=True, sent=0, main=event.assoc, after=n)
            yield 0xFF00, ds
            return
        if event.is_cancelled:
            yield 0xFE00, None
            return
        yield 0xFF00, pydicom.dcmread(p)
        if args.pace:
            time.sleep(args.pace)


CUT = {"armed": False}
_original_send = AssociationSocket.send


def cutting_send(self, bytestream):
    """AssociationSocket.send that cuts the storage sub-association in the middle of an object."""
    st = CUT
    if st.get("armed") and self.assoc is not st["main"] and self.assoc.is_requestor:
        st["sent"] += len(bytestream)
        if st["sent"] > 8 << 20:
            st["armed"] = False
            # The C-MOVE association first (A-ABORT, so no final response can follow), then the
            # storage sub-association's connection, cut in the middle of a PDU.
            log(event="move-abort", after=st["after"])
            st["main"].abort()
            try:
                self.socket.sendall(bytestream[: len(bytestream) // 2])
                self.socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            log(event="store-abort", after=st["after"], bytes=st["sent"])
            self.event_queue.put("Evt17")
            return
    return _original_send(self, bytestream)


AssociationSocket.send = cutting_send


def echo_handler(event):
    log(event="echo", assoc=id(event.assoc))
    return 0x0000


def main():
    global args, files
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("aet")
    ap.add_argument("folder")
    ap.add_argument("--dest", action="append", default=[])
    ap.add_argument("--pace", type=float, default=0)
    ap.add_argument("--abort-move-after", type=int)
    ap.add_argument("--abort-store-during", type=int)
    ap.add_argument("--many", type=int, default=0)
    ap.add_argument("--comment-bytes", type=int, default=0)
    ap.add_argument("--hold")
    ap.add_argument("--find-sleep", type=float, default=0)
    ap.add_argument("--log")
    args = ap.parse_args()
    files = load_folder(args.folder) if os.path.isdir(args.folder) else []

    ae = AE(ae_title=args.aet)
    ae.maximum_pdu_size = 0
    # Storage as SCU for C-GET sub-operations: accept the requestor's SCP role (PS3.7 D.3.3.4).
    for cx in StoragePresentationContexts:
        ae.add_supported_context(cx.abstract_syntax, scu_role=False, scp_role=True)
    for sop in (PatientRootQueryRetrieveInformationModelFind, PatientRootQueryRetrieveInformationModelGet,
                PatientRootQueryRetrieveInformationModelMove, StudyRootQueryRetrieveInformationModelFind,
                StudyRootQueryRetrieveInformationModelGet, StudyRootQueryRetrieveInformationModelMove, Verification):
        ae.add_supported_context(sop)
    # The C-MOVE sub-association proposes the SOP classes it sends.
    handlers = [(evt.EVT_C_FIND, find_handler), (evt.EVT_C_GET, get_handler), (evt.EVT_C_MOVE, move_handler),
                (evt.EVT_C_ECHO, echo_handler),
                (evt.EVT_ABORTED, lambda e: log(event="aborted")),
                (evt.EVT_RELEASED, lambda e: log(event="released-association"))]
    ae.start_server(("127.0.0.1", args.port), block=True, evt_handlers=handlers)


if __name__ == "__main__":
    sys.exit(main())
