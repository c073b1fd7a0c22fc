#!/usr/bin/env python3
"""Oracle: modality values of one frame at given points, as pydicom computes them (the Modality
LUT or rescale applied by pydicom.pixels.apply_modality_lut), for the viewer's value readout.

Usage: pydicom_values.py FILE FRAME POINTS.json     POINTS: [[column, row], ...]
Prints a JSON list of numbers, one per point.
"""
import json
import sys

from pydicom import dcmread
from pydicom.pixels import apply_modality_lut


def main() -> int:
    ds = dcmread(sys.argv[1])
    frame = int(sys.argv[2])
    points = json.load(open(sys.argv[3]))
    arr = ds.pixel_array
    if int(ds.get("NumberOfFrames", 1) or 1) > 1:
        arr = arr[frame]
    values = apply_modality_lut(arr, ds)
    print(json.dumps([float(values[r][c]) for c, r in points]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
