#!/usr/bin/env python3
"""Oracle input: a DX image (Digital X-Ray Image Storage - For Presentation, MONOCHROME2, Imager
Pixel Spacing only) made with pydicom from a CR of the pydicom-data corpus, for the viewer tests.

Usage: make_dx.py SOURCE.dcm OUT.dcm
"""
import sys

import numpy as np
from pydicom import dcmread
from pydicom.uid import ExplicitVRLittleEndian, generate_uid


def main() -> int:
    ds = dcmread(sys.argv[1])
    pixels = ds.pixel_array.astype(np.uint16)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        pixels = (1 << ds.BitsStored) - 1 - pixels
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelData = pixels.tobytes()
    ds.Modality = "DX"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesNumber = 90
    ds.ImagerPixelSpacing = [0.15, 0.15]
    if "PixelSpacing" in ds:
        del ds.PixelSpacing
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.save_as(sys.argv[2], enforce_file_format=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
