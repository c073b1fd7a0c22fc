#!/usr/bin/env python3
"""Read the samples of a greyscale PNG at given points, decoding it with png_measure.py (standard
library only), as an outside reader of Lightbox's density PNGs (sample = optical density x 10000).

Usage: png_sample.py IN.png POINTS.json
POINTS: [[x, y], ...] (pixel column and row from the top-left corner).
Prints JSON: width, height, depth, samples (one per point) and spread: per point, the largest
difference between the sample and any sample within 2 pixels of it (0 when the point lies inside
a flat area, e.g. well inside one replicated image pixel).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from png_measure import rows  # noqa: E402


def main(argv):
    w, h, depth, _, rs = rows(argv[1])
    points = json.load(open(argv[2], encoding="utf-8"))
    samples, spread = [], []
    for x, y in points:
        if not (0 <= x < w and 0 <= y < h):
            raise SystemExit(f"point {x},{y} outside the {w}x{h} image")
        v = rs[y][x]
        samples.append(v)
        near = [rs[j][i] for j in range(max(0, y - 2), min(h, y + 3)) for i in range(max(0, x - 2), min(w, x + 3))]
        spread.append(max(abs(n - v) for n in near))
    print(json.dumps({"width": w, "height": h, "depth": depth, "samples": samples, "spread": spread}))


if __name__ == "__main__":
    main(sys.argv)
