#!/usr/bin/env python3
"""Print load for the print benchmark (scripts/bench-print.sh): N concurrent pynetdicom print SCUs.

    bench_print_scu.py run --port P --called AE [--clients 16] [--films 10] [--format STANDARD\\3,4]
                           [--size 14INX17IN] [--matrix 512] [--threads] [--spool DIR --jobs N]
                           [--dcmtk-db DIR] [--samples OUT.jsonl] [--label NAME] [--timeout S]
                           [--dimse-timeout S]
    bench_print_scu.py wait-spool --spool DIR --jobs N --log LOG [--timeout S]

`run`: every SCU is a modality printing its films on one association, as modalities do: A-ASSOCIATE
(Basic Grayscale Print Management Meta only, Explicit VR Little Endian: DCMTK's dcmprscp rejects
Print Job, Annotation Box and Printer Configuration Retrieval), N-CREATE Film Session
(1 copy, BLUE FILM), then for each film N-CREATE Film Box (FORMAT, SIZE, PORTRAIT), N-SET of
every Image Box (MATRIX² 12-bit MONOCHROME2, BA 16 / BS 12 / HB 11), N-ACTION Print on the film
box; then N-DELETE of the session and A-RELEASE. The images (a ramp with noise, one per box
position, the same for every SCU) are made before the clock starts. The SCUs are processes (or
threads with --threads), forked before the start and released together by a barrier; their
association requests are the start of the clock. Each SCU parks pynetdicom's association reactor
for the duration (`ReactorGate`: pynetdicom 3.0.4 otherwise loses a response now and then under
load) and sets TCP_NODELAY on its socket (BENCH_SCU_NAGLE=1: not).

A film's wait is the time from its SCU's association request to that film's N-ACTION response
(clients × films samples). The total runs from the first association request to the end of the
last SCU (A-RELEASE done) or, with --spool, until the print server has rendered every job: no
job left in DIR/queue and `--jobs` jobs in DIR/done + DIR/failed; the rendered films are then
counted (film-*.pdf, density film-*.png, film-*-preview.png under DIR/films). With --dcmtk-db the
Stored Print objects (SP_*.dcm, one per printed film box) and hardcopy images (HG_*.dcm, one per
image box) that dcmprscp wrote are counted.

Prints `seconds=TOTAL` (for scripts/paired.py --metric stdout) and appends one JSON line to
--samples: the waits, the total, the end of the SCUs, every non-Success status, the counts.
Exits 1 when an SCU could not finish (no association, an exception, a timeout); failure statuses
and missing films are recorded for the caller to judge, not fatal here.

`wait-spool`: waits for the server's "listening" line in LOG, then until JOBS jobs are rendered
as above; prints `seconds=T` from that line (the composer's throughput from a filled queue).
"""
import argparse
import faulthandler
import json
import logging
import multiprocessing as mp
import os
import queue
import signal
import socket
import sys
import threading
import time

import numpy as np
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pynetdicom import AE, transport

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Oracles"))
from pynetdicom_reactor_gate import ReactorGate  # noqa: E402
from pynetdicom.sop_class import (BasicFilmBox, BasicFilmSession, BasicGrayscaleImageBox,
                                  BasicGrayscalePrintManagementMeta)

META = BasicGrayscalePrintManagementMeta

# pynetdicom's warnings (e.g. an unexpected message) to stderr: it logs into a NullHandler.
_warnings = logging.StreamHandler()
_warnings.setFormatter(logging.Formatter("bench_print_scu pid %(process)d: pynetdicom %(levelname)s %(message)s"))
logging.getLogger("pynetdicom").addHandler(_warnings)
logging.getLogger("pynetdicom").setLevel(logging.WARNING)

if os.environ.get("BENCH_SCU_NAGLE") != "1":
    # pynetdicom leaves Nagle's algorithm on; a modality at its best (as DCMTK with TCP_NODELAY=1)
    # sends each message without waiting for the ACK of the previous segment.
    _create_socket = transport.AssociationSocket._create_socket

    def _create_socket_nodelay(self, address):
        sock = _create_socket(self, address)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    transport.AssociationSocket._create_socket = _create_socket_nodelay


def image_items(count, matrix, bits=12):
    """One image per box position, the pattern of issue 17's benchmark film as
    Tests/FilmPrintTests/ComposePerformanceTests.swift makes it: a horizontal ramp over the full
    range (column × 2^bits / matrix) plus uniform noise in its lowest 3 bits; fixed seeds, so every
    run and every SCU sends the same pixels."""
    step = (1 << bits) // matrix
    x = np.arange(matrix * matrix, dtype=np.int64) % matrix
    items = []
    for n in range(count):
        rng = np.random.default_rng(1000 + n)
        pixels = (x * step + rng.integers(0, 8, x.shape)).clip(0, (1 << bits) - 1).astype("<u2")
        item = Dataset()
        item.SamplesPerPixel = 1
        item.PhotometricInterpretation = "MONOCHROME2"
        item.Rows = item.Columns = matrix
        item.BitsAllocated, item.BitsStored, item.HighBit, item.PixelRepresentation = 16, bits, bits - 1, 0
        item.PixelData = pixels.tobytes()
        items.append(item)
    return items


def boxes_of(fmt):
    kind, _, spec = fmt.partition("\\")
    if kind != "STANDARD":
        sys.exit(f"bench_print_scu: only STANDARD\\C,R formats, not {fmt!r}")
    cols, rows = (int(v) for v in spec.split(","))
    return cols * rows


def one_scu(index, args, items, barrier, results):
    """One modality: its association, its films; puts (index, result) on results."""
    res = {"scu": index, "waits": [], "bad": [], "error": None}
    ae = AE(ae_title=f"BENCHSCU{index:02d}")
    # dcmprscp serves one association at a time: the others wait for their A-ASSOCIATE-AC.
    ae.acse_timeout = ae.network_timeout = args.timeout
    ae.dimse_timeout = args.dimse_timeout
    ae.maximum_pdu_size = 131072
    ae.add_requested_context(META, ExplicitVRLittleEndian)
    barrier.wait()
    assoc = gate = None
    try:
        t0 = time.monotonic()
        res["start"] = t0
        assoc = ae.associate(args.host, args.port, ae_title=args.called)
        if not assoc.is_established:
            raise RuntimeError("association not established")
        gate = ReactorGate.park(assoc)

        def check(step, status):
            code = int(status.Status) if status is not None and "Status" in status else None
            if code is None:
                raise RuntimeError(f"{step} of film {len(res['waits']) + 1}: no response within "
                                   f"{args.dimse_timeout:.0f} s, or the association ended")
            if code != 0:
                res["bad"].append({"step": step, "status": code})
            return code

        session_uid = generate_uid()
        session = Dataset()
        session.NumberOfCopies = 1
        session.MediumType = "BLUE FILM"
        status, _ = assoc.send_n_create(session, BasicFilmSession, session_uid, meta_uid=META)
        check("session n-create", status)
        for film in range(args.films):
            fb = Dataset()
            fb.ImageDisplayFormat = args.format
            fb.FilmSizeID = args.size
            fb.FilmOrientation = "PORTRAIT"
            ref = Dataset()
            ref.ReferencedSOPClassUID = BasicFilmSession
            ref.ReferencedSOPInstanceUID = session_uid
            fb.ReferencedFilmSessionSequence = [ref]
            fb_uid = generate_uid()
            status, ds = assoc.send_n_create(fb, BasicFilmBox, fb_uid, meta_uid=META)
            check("filmbox n-create", status)
            if ds is None or "ReferencedImageBoxSequence" not in ds:
                raise RuntimeError(f"film box N-CREATE of film {film + 1}: no Referenced Image Box Sequence")
            boxes = [i.ReferencedSOPInstanceUID for i in ds.ReferencedImageBoxSequence]
            for n, uid in enumerate(boxes):
                ib = Dataset()
                ib.ImageBoxPosition = n + 1
                ib.BasicGrayscaleImageSequence = [items[n % len(items)]]
                status, _ = assoc.send_n_set(ib, BasicGrayscaleImageBox, uid, meta_uid=META)
                check("imagebox n-set", status)
            status, _ = assoc.send_n_action(None, 1, BasicFilmBox, fb_uid, meta_uid=META)
            res["waits"].append(time.monotonic() - t0)
            check("filmbox n-action", status)
        check("session n-delete", assoc.send_n_delete(BasicFilmSession, session_uid, meta_uid=META))
        gate.open()
        assoc.release()
        res["end"] = time.monotonic()
    except Exception as e:  # reported with the SCU's number; the run fails
        res["error"] = f"{type(e).__name__}: {e}"
        if gate:
            gate.open()
        if assoc and assoc.is_established:
            assoc.abort()
    results.put((index, res))


def spool_state(spool):
    def names(d):
        try:
            return [n for n in os.listdir(os.path.join(spool, d)) if not n.startswith(".")]
        except FileNotFoundError:
            return []
    return len(names("queue")), len(names("done")) + len(names("failed")), len(names("failed"))


def wait_for_spool(spool, jobs, deadline):
    while True:
        queued, finished, _ = spool_state(spool)
        if queued == 0 and finished >= jobs:
            return time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError(f"spool {spool}: {queued} job(s) still queued, {finished} of {jobs} rendered")
        time.sleep(0.05)


def count_films(spool):
    pdf = png = preview = 0
    for root, _, files in os.walk(os.path.join(spool, "films")):
        for f in files:
            if not f.startswith("film-"):
                continue
            if f.endswith("-preview.png"):
                preview += 1
            elif f.endswith(".png"):
                png += 1
            elif f.endswith(".pdf"):
                pdf += 1
    return pdf, png, preview


def run(args):
    items = image_items(boxes_of(args.format), args.matrix)
    if args.threads:
        barrier, results = threading.Barrier(args.clients + 1), queue.Queue()
        workers = [threading.Thread(target=one_scu, args=(i + 1, args, items, barrier, results)) for i in range(args.clients)]
    else:
        ctx = mp.get_context("fork")
        barrier = ctx.Barrier(args.clients + 1)
        results = ctx.Queue()
        workers = [ctx.Process(target=one_scu, args=(i + 1, args, items, barrier, results)) for i in range(args.clients)]
    for w in workers:
        w.start()
    barrier.wait()
    got = [results.get(timeout=args.timeout * 2) for _ in workers]
    for w in workers:
        w.join()
    got = [r for _, r in sorted(got, key=lambda x: x[0])]
    errors = [f"SCU {r['scu']}: {r['error']}" for r in got if r["error"]]
    if errors:
        sys.exit("bench_print_scu: " + "; ".join(errors))
    start = min(r["start"] for r in got)
    scu_end = max(r["end"] for r in got)
    end = scu_end
    out = {"label": args.label, "clients": args.clients, "films": args.films, "format": args.format,
           "size": args.size, "matrix": args.matrix, "mode": "threads" if args.threads else "processes",
           "waits": [w for r in got for w in r["waits"]], "bad": [dict(b, scu=r["scu"]) for r in got for b in r["bad"]],
           "scu_seconds": scu_end - start}
    if args.spool:
        end = wait_for_spool(args.spool, args.jobs, time.monotonic() + args.timeout)
        out["jobs_finished"] = spool_state(args.spool)[1]
        out["jobs_failed"] = spool_state(args.spool)[2]
        out["pdf"], out["png"], out["preview"] = count_films(args.spool)
    if args.dcmtk_db:
        names = os.listdir(args.dcmtk_db)
        out["stored_print"] = sum(1 for n in names if n.startswith("SP_") and n.endswith(".dcm"))
        out["hardcopy"] = sum(1 for n in names if n.startswith("HG_") and n.endswith(".dcm"))
    out["total"] = end - start
    if args.samples:
        with open(args.samples, "a") as f:
            f.write(json.dumps(out) + "\n")
    print(f"seconds={out['total']:.6f}")


def wait_spool(args):
    deadline = time.monotonic() + args.timeout
    while True:
        try:
            if "listening" in open(args.log).read():
                break
        except FileNotFoundError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"bench_print_scu: no 'listening' line in {args.log}")
        time.sleep(0.01)
    t0 = time.monotonic()
    end = wait_for_spool(args.spool, args.jobs, t0 + args.timeout)
    print(f"seconds={end - t0:.6f}")


def main():
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 PID`: where an SCU waits
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--host", default="127.0.0.1")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--called", required=True)
    r.add_argument("--clients", type=int, default=16)
    r.add_argument("--films", type=int, default=10)
    r.add_argument("--format", default="STANDARD\\3,4")
    r.add_argument("--size", default="14INX17IN")
    r.add_argument("--matrix", type=int, default=512)
    r.add_argument("--threads", action="store_true", help="SCUs as threads of this process, not processes")
    r.add_argument("--spool", help="Lightbox's spool: wait until --jobs jobs are rendered")
    r.add_argument("--jobs", type=int, default=0)
    r.add_argument("--dcmtk-db", help="dcmprscp's database folder: count its Stored Print (SP_) and hardcopy (HG_) files")
    r.add_argument("--samples")
    r.add_argument("--label", default="")
    r.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the association (dcmprscp queues them) and for rendering")
    r.add_argument("--dimse-timeout", type=float, default=120, help="seconds to wait for each response")
    w = sub.add_parser("wait-spool")
    w.add_argument("--spool", required=True)
    w.add_argument("--jobs", type=int, required=True)
    w.add_argument("--log", required=True)
    w.add_argument("--timeout", type=float, default=1800)
    args = p.parse_args()
    (run if args.cmd == "run" else wait_spool)(args)


if __name__ == "__main__":
    main()
