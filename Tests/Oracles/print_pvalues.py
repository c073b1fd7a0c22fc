#!/usr/bin/env python3
"""Oracle for the print SCU: images with known P-Values, written and checked with pydicom and numpy.

  print_pvalues.py make DIR      writes test images into DIR:
      ct.dcm   16-bit signed CT, Rescale Slope 1 Intercept -1024, Window 40/400, a ramp of HU
      cr.dcm   12-bit MONOCHROME1 CR, no window (full range), a ramp
      mr.dcm   16-bit unsigned MR, Window 600/1200, rows != columns
      flat1..4.dcm  flat 12-bit MONOCHROME2 images (500, 1500, 2500, 3500), window 2048/4096
  print_pvalues.py check SRC_DIR HARDCOPY_DIR BITS
      Every Hardcopy Grayscale Image (HG_*.dcm) must equal, within 1, the P-Values expected for
      exactly one of ct/cr/mr: Modality LUT, then the VOI window by PS3.3 C.11.2.1.2.1 (or the
      stored range stretched when there is no window: within 1.5, as the standard defines no stretch), onto 0..2^BITS-1, inverted for MONOCHROME1
      (PS3.3 C.7.6.3.1.2). Prints JSON {"hardcopies": n, "matched": {...}, "errors": [...]}.
"""
import glob, json, os, sys
import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

SC = '1.2.840.10008.5.1.4.1.1.7'


def image(path, rows, cols, pixels, bits_stored, signed, photometric='MONOCHROME2', window=None,
          rescale=None, modality='OT', number=1, study=None):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SC
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b'\0' * 128)
    ds.SOPClassUID, ds.SOPInstanceUID = SC, meta.MediaStorageSOPInstanceUID
    ds.PatientName, ds.PatientID, ds.Modality = 'Print^Test', 'P1', modality
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study, generate_uid()
    ds.SeriesNumber, ds.InstanceNumber = number, number
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, photometric
    ds.Rows, ds.Columns = rows, cols
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, bits_stored, bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    if rescale:
        ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = rescale[0], rescale[1], 'HU'
    if window:
        ds.WindowCenter, ds.WindowWidth = window
    ds.PixelData = pixels.astype('<i2' if signed else '<u2').tobytes()
    ds.save_as(path, enforce_file_format=True)


def make(folder):
    os.makedirs(folder, exist_ok=True)
    study = generate_uid()
    y, x = np.mgrid[0:96, 0:128]
    ct = (x * 16 + y * 2).astype(np.int32) + 24 - 400      # stored; HU = stored - 1024 spans the window and beyond
    image(f'{folder}/ct.dcm', 96, 128, ct, 16, True, window=(40, 400), rescale=(-1024, 1), modality='CT', number=1, study=study)
    y, x = np.mgrid[0:80, 0:80]
    cr = (x * 51 + y).clip(0, 4095)
    image(f'{folder}/cr.dcm', 80, 80, cr, 12, False, photometric='MONOCHROME1', modality='CR', number=2, study=study)
    y, x = np.mgrid[0:64, 0:100]
    mr = (x * 12 + y * 3)
    image(f'{folder}/mr.dcm', 64, 100, mr, 16, False, window=(600, 1200), modality='MR', number=3, study=study)
    for i, v in enumerate([500, 1500, 2500, 3500]):
        image(f'{folder}/flat{i + 1}.dcm', 64, 64, np.full((64, 64), v), 12, False, window=(2048, 4096), number=10 + i, study=study)


def expected(path, bits):
    ds = pydicom.dcmread(path)
    stored = ds.pixel_array.astype(np.float64)
    slope = float(getattr(ds, 'RescaleSlope', 1)); intercept = float(getattr(ds, 'RescaleIntercept', 0))
    x = stored * slope + intercept
    ymax = (1 << bits) - 1
    if 'WindowCenter' in ds:
        c, w = float(ds.WindowCenter), float(ds.WindowWidth)
        # PS3.3 C.11.2.1.2.1, LINEAR
        y = ((x - (c - 0.5)) / (w - 1) + 0.5) * ymax
        y = np.where(x <= c - 0.5 - (w - 1) / 2, 0, np.where(x > c - 0.5 + (w - 1) / 2, ymax, y))
    else:
        lo = 0 if ds.PixelRepresentation == 0 else -(1 << (ds.BitsStored - 1))
        hi = (1 << ds.BitsStored) - 1 + lo
        lo, hi = lo * slope + intercept, hi * slope + intercept
        y = (x - lo) / (hi - lo) * ymax
    y = np.clip(y, 0, ymax)
    if ds.PhotometricInterpretation == 'MONOCHROME1':
        y = ymax - y
    # The standard defines no stretch for an image without a window: allow one more output step there.
    return y, (1.0 if 'WindowCenter' in ds else 1.5)


def check(src, hardcopies, bits):
    refs = {os.path.basename(p): expected(p, bits) for p in sorted(glob.glob(f'{src}/*.dcm')) if 'flat' not in p}
    out = {'hardcopies': 0, 'matched': {}, 'errors': []}
    for p in sorted(glob.glob(f'{hardcopies}/HG_*.dcm')):
        out['hardcopies'] += 1
        hg = pydicom.dcmread(p)
        a = hg.pixel_array.astype(np.float64)
        if hg.PhotometricInterpretation != 'MONOCHROME2':
            out['errors'].append(f'{p}: {hg.PhotometricInterpretation}')
        hits = [n for n, (e, tol) in refs.items() if e.shape == a.shape and np.abs(e - a).max() <= tol]
        if len(hits) != 1:
            diffs = {n: float(np.abs(e - a).max()) for n, (e, _) in refs.items() if e.shape == a.shape}
            out['errors'].append(f'{os.path.basename(p)} {a.shape} bits {hg.BitsStored}: matches {hits}, max differences {diffs}')
        else:
            out['matched'][hits[0]] = out['matched'].get(hits[0], 0) + 1
    print(json.dumps(out))


if __name__ == '__main__':
    if sys.argv[1] == 'make':
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3], int(sys.argv[4]))
