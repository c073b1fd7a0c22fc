#!/usr/bin/env python3
"""Oracle: reads a film stored as a Secondary Capture image with pydicom and, given the film's
density PNG (sample = optical density x 10000, docs/film-output.md), checks its pixels against
PS3.14's GSDF computed here, independently of Lightbox.

Usage: pydicom_film_sc.py SC.dcm [DENSITY_PNG DMIN DMAX L0 LA]
DENSITY_PNG may hold "{n}", replaced by the image's Instance Number (film-{n}.png).
Prints JSON: the attributes below, the pixel_array shape and dtype, and with a PNG:
"gsdf_max_diff" (largest |pixel - round(4095 f)|, f = (j(La + L0 10^-D) - j(Lmin)) / (j(Lmax) - j(Lmin)),
j the GSDF JND index of PS3.14 Eq. 2) and "png_shape".
"""
import json
import os
import sys

import numpy as np
import pydicom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# PS3.14 Eq. 2: JND index from luminance, j(L) = sum of k_i (log10 L)^i
K = [71.498068, 94.593053, 41.912053, 9.8247004, 0.28175407, -1.1878455, -0.18014349, 0.14710899, -0.017046845]


def jnd(lum):
    x = np.log10(lum)
    return sum(k * x ** i for i, k in enumerate(K))


def text(ds, keyword):
    if keyword not in ds:
        return None
    v = ds[keyword].value
    if isinstance(v, (list, pydicom.multival.MultiValue)):
        return [str(x) for x in v]
    return str(v)


def main() -> int:
    ds = pydicom.dcmread(sys.argv[1])
    px = ds.pixel_array
    out = {k: text(ds, k) for k in [
        "SOPClassUID", "SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID", "Modality", "ConversionType",
        "PhotometricInterpretation", "PresentationLUTShape", "BurnedInAnnotation", "SpecificCharacterSet",
        "PatientName", "PatientID", "StudyDescription", "SeriesDescription", "InstanceNumber", "NumberOfFrames",
        "NominalScannedPixelSpacing", "ImageType"]}
    out["present"] = {k: k in ds for k in ["PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate", "StudyID"]}
    out["BitsAllocated"], out["BitsStored"], out["Rows"], out["Columns"] = int(ds.BitsAllocated), int(ds.BitsStored), int(ds.Rows), int(ds.Columns)
    out["shape"], out["dtype"] = list(px.shape), str(px.dtype)
    out["min"], out["max"] = int(px.min()), int(px.max())
    if len(sys.argv) > 2:
        from png_measure import rows
        w, h, depth, _, lines = rows(sys.argv[2].replace("{n}", str(ds.InstanceNumber)))
        dens = np.array(lines, dtype=np.float64) / 10000.0
        out["png_shape"] = [h, w]
        dmin, dmax, l0, la = (float(a) for a in sys.argv[3:7])
        lmin, lmax = la + l0 * 10 ** -dmax, la + l0 * 10 ** -dmin
        f = (jnd(la + l0 * 10 ** -dens) - jnd(lmin)) / (jnd(lmax) - jnd(lmin))
        expected = np.rint(np.clip(f, 0, 1) * 4095)
        if list(expected.shape) == list(px.shape):
            diff = np.abs(px.astype(np.int64) - expected.astype(np.int64))
            out["gsdf_max_diff"] = int(diff.max())
            out["gsdf_pixels_off_by_more_than_1"] = int((diff > 1).sum())
            out["distinct_values"] = int(len(np.unique(px)))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
