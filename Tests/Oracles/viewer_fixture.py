#!/usr/bin/env python3
"""Write a disc viewer fixture (data format version 1) from DICOM files.

An independent implementation (pydicom + numpy) of what Lightbox writes at burn
time for the browser viewer in Media/pdi/viewer/, so that the viewer can be
tested on its own and the Swift writer's output can be compared with it.

    viewer_fixture.py --out FOLDER [--synthetic-ct 500] [--chinese-copy F]
                      [--light-copy F] [--imager-copy F] [--mono1-copy F] file.dcm ...

Writes FOLDER/INDEX.HTM (with a "View images" link), FOLDER/IHE_PDI/VIEWER.HTM,
FOLDER/IHE_PDI/VIEWER/{VIEWER.JS,VIEWER.CSS,STUDIES.JS,S0000001.JS,...} and
FOLDER/probe.json (probe points with the expected RGBA from PS3.3
C.11.2.1.2.1 windowing done here, for viewer_browser.py --probe).
"""
import argparse
import base64
import copy
import json
import os
import shutil
import sys
import zlib

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixels import apply_modality_lut
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

HERE = os.path.dirname(os.path.abspath(__file__))
VIEWER_SRC = os.path.normpath(os.path.join(HERE, "..", "..", "Media", "pdi", "viewer"))

CT_PRESETS = [
    {"name": "Brain", "center": 40, "width": 80},
    {"name": "Soft tissue", "center": 40, "width": 400},
    {"name": "Lung", "center": -600, "width": 1500},
    {"name": "Bone", "center": 300, "width": 1500},
]


def deflate_b64(raw: bytes) -> str:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return base64.b64encode(c.compress(raw) + c.flush()).decode("ascii")


def window(x, c, w):
    """PS3.3 C.11.2.1.2.1 linear VOI, output 0..255, rounded half up."""
    x = np.asarray(x, dtype=np.float64)
    c = float(c)
    w = float(w)
    lo = c - 0.5 - (w - 1) / 2
    hi = c - 0.5 + (w - 1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        mid = np.floor(((x - (c - 0.5)) / (w - 1) + 0.5) * 255 + 0.5)
    y = np.where(x <= lo, 0, np.where(x > hi, 255, mid))
    return np.clip(np.nan_to_num(y), 0, 255).astype(np.uint8)


def pn_parts(pn):
    s = str(pn or "")
    groups = s.split("=")
    alpha = groups[0].replace("^", " ").strip()
    alpha = " ".join(alpha.split())
    ideo = groups[1].replace("^", "").strip() if len(groups) > 1 else ""
    if ideo and alpha:
        return s, f"{ideo} ({alpha})"
    return s, ideo or alpha


def frames_of(ds):
    """Yield (modality values ndarray, samples kind) per frame."""
    arr = ds.pixel_array
    nf = int(ds.get("NumberOfFrames", 1) or 1)
    spp = int(ds.get("SamplesPerPixel", 1))
    if spp == 3:
        if nf == 1:
            arr = arr[None]
        for f in arr:
            yield np.ascontiguousarray(f.astype(np.uint8)), "rgb8"
        return
    if nf == 1:
        arr = arr[None]
    for f in arr:
        yield apply_modality_lut(f, ds), "mono"


def choose_samples(all_values):
    lo = min(float(np.nanmin(v)) for v in all_values)
    hi = max(float(np.nanmax(v)) for v in all_values)
    integral = all(np.all(np.equal(np.mod(v, 1), 0)) for v in all_values)
    if integral and lo >= -32768 and hi <= 32767:
        return "int16", lo, hi
    if integral and lo >= 0 and hi <= 65535:
        return "uint16", lo, hi
    return "float32", lo, hi


def first(v):
    if v is None:
        return None
    if isinstance(v, (list, tuple, pydicom.multival.MultiValue)):
        return float(v[0]) if len(v) else None
    return float(v)


def synthetic_ct(n, rows=512, cols=512):
    """n single-frame CT datasets (stored uint16, intercept -1024): a phantom."""
    study = generate_uid()
    series = generate_uid()
    yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float32)
    cy, cx = rows / 2, cols / 2
    r = np.sqrt(((yy - cy) / (rows * 0.42)) ** 2 + ((xx - cx) / (cols * 0.36)) ** 2)
    out = []
    rng = np.random.default_rng(20)
    for k in range(n):
        hu = np.full((rows, cols), -1000, np.float32)
        hu[r < 1.0] = 40 + 20 * np.sin(xx[r < 1.0] / 17.0)
        hu[(r >= 0.93) & (r < 1.0)] = 700  # bone ring
        t = k / max(1, n - 1)
        lung = np.sqrt(((yy - cy) / (rows * 0.18)) ** 2 + ((xx - cx + cols * 0.15) / (cols * (0.05 + 0.07 * t))) ** 2)
        hu[lung < 1] = -800
        les = np.sqrt((yy - cy - 60 * np.cos(6.28 * t)) ** 2 + (xx - cx - 60 * np.sin(6.28 * t)) ** 2)
        hu[les < 25] = 60 + k % 50
        hu[10:20, 10:10 + 256] = np.arange(-1024, 3072, 16)[:256]  # ramp
        hu += rng.normal(0, 8, hu.shape).astype(np.float32)  # noise, so frames compress like real CT
        stored = np.clip(np.round(hu) + 1024, 0, 4095).astype(np.uint16)
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        ds.SOPInstanceUID = generate_uid()
        ds.PatientName = "Synthetic^Phantom"
        ds.PatientID = "SYN500"
        ds.PatientBirthDate = "19800101"
        ds.PatientSex = "O"
        ds.StudyInstanceUID = study
        ds.SeriesInstanceUID = series
        ds.StudyDate = "20260101"
        ds.StudyTime = "120000"
        ds.StudyDescription = "SYNTHETIC CT"
        ds.AccessionNumber = "SYN1"
        ds.SeriesDescription = f"PHANTOM {n} SLICES"
        ds.SeriesNumber = 9
        ds.InstanceNumber = k + 1
        ds.Modality = "CT"
        ds.Rows, ds.Columns = rows, cols
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 12
        ds.HighBit = 11
        ds.PixelRepresentation = 0
        ds.RescaleIntercept = -1024
        ds.RescaleSlope = 1
        ds.WindowCenter = 40
        ds.WindowWidth = 400
        ds.PixelSpacing = [0.7, 0.7]
        ds.PixelData = stored.tobytes()
        out.append(ds)
    return out


class Writer:
    def __init__(self, out):
        self.out = out
        self.vdir = os.path.join(out, "IHE_PDI", "VIEWER")
        os.makedirs(self.vdir, exist_ok=True)
        self.patients = {}
        self.count = 0
        self.probes = []

    def add_series(self, datasets, light=False, label=None):
        datasets = sorted(datasets, key=lambda d: int(d.get("InstanceNumber", 0) or 0))
        ds0 = datasets[0]
        self.count += 1
        key = f"S{self.count:07d}"
        frames = []
        kinds = set()
        for ds in datasets:
            for f, kind in frames_of(ds):
                frames.append((int(ds.get("InstanceNumber", 0) or 0), f))
                kinds.add(kind)
        modality = str(ds0.get("Modality", "OT"))
        rows, cols = int(ds0.Rows), int(ds0.Columns)
        photometric = str(ds0.PhotometricInterpretation)
        if "rgb8" in kinds:
            samples, lo, hi = "rgb8", 0, 255
            photometric = "RGB"
        else:
            samples, lo, hi = choose_samples([f for _, f in frames])
        wc, ww = first(ds0.get("WindowCenter")), first(ds0.get("WindowWidth"))
        if wc is None or ww is None or ww < 1:
            wc, ww = (lo + hi) / 2, max(1.0, hi - lo + 1)
        if samples != "float32":
            wc, ww = round(wc, 3), round(ww, 3)
        presets = CT_PRESETS if modality == "CT" else ([] if samples == "rgb8" else
                                                        [{"name": "Full range", "center": (lo + hi) / 2, "width": max(1.0, hi - lo + 1)}])
        ps = ds0.get("PixelSpacing")
        ips = ds0.get("ImagerPixelSpacing")
        if ps is not None and len(ps) == 2:
            spacing, kind = [float(ps[0]), float(ps[1])], "PixelSpacing"
        elif ips is not None and len(ips) == 2:
            spacing, kind = [float(ips[0]), float(ips[1])], "ImagerPixelSpacing"
        else:
            spacing, kind = None, None
        rate = ds0.get("CineRate")
        if not rate and ds0.get("FrameTime"):
            rate = round(1000.0 / float(ds0.FrameTime))
        mono1 = photometric == "MONOCHROME1"

        def display(f, c, w):
            y = window(f, c, w)
            return 255 - y if mono1 else y

        out_frames = []
        np_dtype = {"int16": "<i2", "uint16": "<u2", "float32": "<f4"}.get(samples)
        for inst, f in frames:
            if light:
                wins = [(wc, ww)] + [(p["center"], p["width"]) for p in presets]
                out_frames.append({"instance": inst, "presets": [
                    {"data": deflate_b64(display(f, c, w).tobytes())} for c, w in wins]})
            elif samples == "rgb8":
                out_frames.append({"instance": inst, "data": deflate_b64(f.astype(np.uint8).tobytes())})
            else:
                out_frames.append({"instance": inst, "data": deflate_b64(np.asarray(f).astype(np_dtype).tobytes())})
        data = {"version": 1, "modality": modality, "rows": rows, "columns": cols,
                "samples": samples,
                "unit": "HU" if modality == "CT" and samples != "rgb8" else "",
                "photometric": photometric, "pixelSpacing": spacing, "spacingKind": kind,
                "window": {"center": wc, "width": ww}, "presets": presets,
                "cineRate": float(rate) if rate else None, "light": bool(light), "frames": out_frames}
        with open(os.path.join(self.vdir, key + ".JS"), "w", encoding="utf-8") as fh:
            fh.write(f'LIGHTBOX_VIEWER.series("{key}",')
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
            fh.write(");\n")

        # thumbnail from the middle frame
        mid = frames[len(frames) // 2][1]
        if samples == "rgb8":
            g = (0.299 * mid[..., 0] + 0.587 * mid[..., 1] + 0.114 * mid[..., 2]).round().astype(np.uint8)
        else:
            g = display(mid, wc, ww)
        s = 64 / max(rows, cols)
        th, tw = max(1, round(rows * s)), max(1, round(cols * s))
        yi = (np.arange(th) * rows // th).astype(int)
        xi = (np.arange(tw) * cols // tw).astype(int)
        thumb = np.ascontiguousarray(g[yi][:, xi])

        name, disp = pn_parts(ds0.get("PatientName"))
        pid = str(ds0.get("PatientID", ""))
        pat = self.patients.setdefault((name, pid), {
            "name": name, "displayName": disp, "id": pid,
            "birthDate": str(ds0.get("PatientBirthDate", "")), "sex": str(ds0.get("PatientSex", "")), "studies": []})
        suid = str(ds0.get("StudyInstanceUID", ""))
        study = next((s for s in pat["studies"] if s["uid"] == suid), None)
        if study is None:
            study = {"uid": suid, "date": str(ds0.get("StudyDate", "")), "time": str(ds0.get("StudyTime", "")),
                     "description": str(ds0.get("StudyDescription", "")), "accession": str(ds0.get("AccessionNumber", "")),
                     "series": []}
            pat["studies"].append(study)
        desc = str(ds0.get("SeriesDescription", ""))
        if label:
            desc = (desc + " " + label).strip()
        study["series"].append({"file": key + ".JS", "key": key, "number": int(ds0.get("SeriesNumber", 0) or 0),
                                "modality": modality, "description": desc, "frames": len(out_frames),
                                "rows": rows, "columns": cols, "thumbnail": deflate_b64(thumb.tobytes()),
                                "thumbnailRows": th, "thumbnailColumns": tw})

        # probes: a few points on the first and middle frame
        pts = [[0, 0], [cols - 1, rows - 1], [cols // 2, rows // 2], [cols // 3, rows // 4], [cols // 4, (2 * rows) // 3]]
        for fi in sorted({0, len(frames) // 2}):
            f = frames[fi][1]
            if samples != "rgb8":
                mn = np.unravel_index(int(np.nanargmin(f)), f.shape)
                mx = np.unravel_index(int(np.nanargmax(f)), f.shape)
                fpts = pts + [[int(mn[1]), int(mn[0])], [int(mx[1]), int(mx[0])]]
            else:
                fpts = pts
            wins = [(None, None)] if (light or samples == "rgb8") else [(wc, ww)] + [(p["center"], p["width"]) for p in presets[:2]]
            if rows * cols <= 4096 and fi == 0 and not light and samples != "rgb8":
                # every pixel, with narrow windows that put values on the thresholds
                fpts = [[x, y] for y in range(rows) for x in range(cols)]
                med = float(np.median(f))
                wins = [(wc, ww), (med, 1), (med + 0.5, 2), (med, 3), (med - 0.25, 10.5)]
            for c, w in wins:
                exp_rgba, exp_val = [], []
                for x, y in fpts:
                    if samples == "rgb8":
                        r, gg, b = (int(v) for v in f[y, x])
                        exp_rgba.append([r, gg, b, 255])
                        exp_val.append(None if light else [r, gg, b])
                    else:
                        v = display(np.array([f[y, x]]), wc if c is None else c, ww if w is None else w)[0]
                        exp_rgba.append([int(v)] * 3 + [255])
                        fv = float(f[y, x])
                        exp_val.append(None if light else (int(fv) if samples != "float32" else float(np.float32(fv))))
                self.probes.append({"series": key, "frame": fi, "center": c, "width": w, "points": fpts,
                                    "expected": {"rgba": exp_rgba, "values": exp_val}})
        print(f"{key}: {modality} {samples}{' light' if light else ''} {len(out_frames)} frames {cols}x{rows} "
              f"window {wc}/{ww} {desc!r}", file=sys.stderr)
        return key

    def finish(self):
        idx = {"version": 1, "patients": list(self.patients.values())}
        with open(os.path.join(self.vdir, "STUDIES.JS"), "w", encoding="utf-8") as fh:
            fh.write("LIGHTBOX_VIEWER.index(")
            json.dump(idx, fh, ensure_ascii=False, separators=(",", ":"))
            fh.write(");\n")
        shutil.copyfile(os.path.join(VIEWER_SRC, "VIEWER.HTM"), os.path.join(self.out, "IHE_PDI", "VIEWER.HTM"))
        for f in ("VIEWER.JS", "VIEWER.CSS"):
            shutil.copyfile(os.path.join(VIEWER_SRC, f), os.path.join(self.vdir, f))
        with open(os.path.join(self.out, "INDEX.HTM"), "w", encoding="utf-8") as fh:
            fh.write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Disc</title></head>\n'
                     '<body><h1>Disc</h1><p><a href="IHE_PDI/VIEWER.HTM">View images</a></p></body></html>\n')
        with open(os.path.join(self.out, "probe.json"), "w", encoding="utf-8") as fh:
            json.dump(self.probes, fh, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--synthetic-ct", type=int, default=0, metavar="N", help="add an N-frame 512x512 CT series")
    ap.add_argument("--chinese-copy", action="append", default=[], help="copy with a Chinese patient name")
    ap.add_argument("--light-copy", action="append", default=[], help="copy written as a light (gray8 presets) series")
    ap.add_argument("--imager-copy", action="append", default=[], help="copy with ImagerPixelSpacing instead of PixelSpacing")
    ap.add_argument("--mono1-copy", action="append", default=[], help="copy as MONOCHROME1")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    w = Writer(a.out)
    groups = {}
    for f in a.files:
        ds = pydicom.dcmread(f)
        groups.setdefault(str(ds.get("SeriesInstanceUID", f)), []).append(ds)
    for dss in groups.values():
        w.add_series(dss)
    for f in a.chinese_copy:
        ds = pydicom.dcmread(f)
        ds.SpecificCharacterSet = "ISO_IR 192"
        ds.PatientName = "Wang^Zhicheng=王^志誠"
        ds.PatientID = "P-CN1"
        ds.StudyInstanceUID = generate_uid()
        ds.SeriesInstanceUID = generate_uid()
        ds.StudyDescription = "CT 头部"
        w.add_series([ds])
    for f in a.light_copy:
        w.add_series([pydicom.dcmread(f)], light=True, label="(light)")
    for f in a.imager_copy:
        ds = pydicom.dcmread(f)
        sp = ds.get("PixelSpacing") or [0.2, 0.2]
        if "PixelSpacing" in ds:
            del ds.PixelSpacing
        ds.ImagerPixelSpacing = list(sp)
        w.add_series([ds], label="(imager spacing)")
    for f in a.mono1_copy:
        ds = pydicom.dcmread(f)
        ds.PhotometricInterpretation = "MONOCHROME1"
        if "PixelSpacing" in ds:
            del ds.PixelSpacing
        w.add_series([ds], label="(MONOCHROME1, no spacing)")
    if a.synthetic_ct:
        w.add_series(synthetic_ct(a.synthetic_ct))
    w.finish()


if __name__ == "__main__":
    main()
