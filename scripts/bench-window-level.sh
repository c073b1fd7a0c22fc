#!/usr/bin/env bash
# Window/level (issue 3), release build, on the same frames for every tool:
#   kernel   `lightbox render --bench-window-level DIR --window C,W` (16-bit stored values to 8-bit
#            grey through the precomputed 64K-entry table, one core, frames decoded and tables
#            built before the clock starts) against numpy `np.take(lut, frame)` on the frames pydicom
#            decoded from the same files, with the same table (one core; numpy is single-threaded);
#            both time their own inner loop and print the sum of their output bytes, which must match.
#   process  `lightbox render FILE -o F.pgm --window C,W` against `dcmj2pnm +Ww C W +op FILE F.pgm`,
#            one process per file for both, `xargs -P$(nproc)`: read, window, write a binary PGM.
# Ratios are medians of paired, alternating runs (scripts/paired.py).
#
#   scripts/bench-window-level.sh LIGHTBOX STUDY WORK [ROUNDS] [FILES]   → markdown on stdout
set -euo pipefail
LIGHTBOX=${1:?usage: bench-window-level.sh LIGHTBOX STUDY WORK [ROUNDS] [FILES]}
STUDY=${2:?}
W=${3:?}/window-level
ROUNDS=${4:-5}
COUNT=${5:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.build/venv/bin/python"
PAIRED="python3 $ROOT/scripts/paired.py"
CORES=$(nproc)
CENTER=40 WIDTH=400 ITER=10
command -v dcmj2pnm >/dev/null || { echo "bench-window-level: dcmj2pnm not found (make deps)" >&2; exit 2; }
rm -rf "$W"; mkdir -p "$W/frames"
# The first COUNT files of the study, hard-linked under flat names.
n=0
while read -r f; do
  n=$((n + 1)); ln "$f" "$W/frames/$(printf 'IMG%05d' "$n").dcm"
done < <(find "$STUDY" -type f -name '*.dcm' | sort | head -n "$COUNT")
FILES=$(ls "$W/frames" | wc -l)

cat > "$W/wl_numpy.py" <<'EOF'
# The reference kernel: one 65536-entry uint8 table per file, indexed by the stored 16-bit value,
# computed as DCMTK (and Lightbox) do for a LINEAR window on MONOCHROME2: modality value truncated
# towards zero, y = offset + x * (255 / (w - 1)), floored; applied with np.take, one core.
import os, sys, time, warnings
import numpy as np
import pydicom
warnings.simplefilter("ignore")
folder, c, w, iterations = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
frames, luts = [], []
for name in sorted(os.listdir(folder)):
    ds = pydicom.dcmread(os.path.join(folder, name))
    a = ds.pixel_array
    assert a.dtype in (np.int16, np.uint16) and ds.PhotometricInterpretation == "MONOCHROME2", name
    stored = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(a.dtype).astype(np.float64)
    x = np.trunc(stored * float(getattr(ds, "RescaleSlope", 1)) + float(getattr(ds, "RescaleIntercept", 0)))
    w1 = w - 1
    y = (255 - ((c - 0.5) / w1 + 0.5) * 255) + x * (255 / w1)
    y = np.where(x <= c - 0.5 - w1 / 2, 0, np.where(x > c - 0.5 + w1 / 2, 255, y))
    luts.append(np.floor(np.clip(y, 0, 255)).astype(np.uint8))
    frames.append(a.view(np.uint16))
check = 0
start = time.perf_counter()
for _ in range(iterations):
    for lut, f in zip(luts, frames):
        out = np.take(lut, f)
        check += int(out.flat[out.size // 2])
seconds = time.perf_counter() - start
pixels = sum(f.size for f in frames)
checksum = sum(int(np.take(lut, f).sum(dtype=np.int64)) for lut, f in zip(luts, frames))
print(f"frames={len(frames)} pixels={pixels} iterations={iterations} seconds={seconds:.6f} "
      f"gpixel_per_s={pixels * iterations / seconds / 1e9:.3f} checksum={checksum} numpy={np.__version__} "
      f"dtype={a.dtype} intercept={float(getattr(ds, 'RescaleIntercept', 0)):g}")
EOF

echo "bench-window-level: kernel, $FILES frames x $ITER passes, window $CENTER/$WIDTH" >&2
$PAIRED run --rounds "$ROUNDS" --metric stdout --json "$W/kernel.json" \
  -n "lightbox" "$LIGHTBOX render --bench-window-level $W/frames -o /dev/null --window $CENTER,$WIDTH --bench-iterations $ITER" \
  -n "numpy" "$PY $W/wl_numpy.py $W/frames $CENTER $WIDTH $ITER"

echo "bench-window-level: whole process, one per file, xargs -P$CORES" >&2
$PAIRED run --rounds "$ROUNDS" --json "$W/process.json" \
  -n "lightbox" -p "rm -rf $W/out-lb && mkdir $W/out-lb && sync" \
     "ls $W/frames | xargs -P$CORES -I{} $LIGHTBOX render $W/frames/{} -o $W/out-lb/{}.pgm --window $CENTER,$WIDTH" \
  -n "dcmj2pnm" -p "rm -rf $W/out-dt && mkdir $W/out-dt && sync" \
     "ls $W/frames | xargs -P$CORES -I{} dcmj2pnm +Ww $CENTER $WIDTH +op $W/frames/{} $W/out-dt/{}.pgm"
# Same pixels out of both (the PGM headers differ: compare the last rows × columns bytes).
SAME=$(python3 - "$W" <<'EOF'
import os, sys
w = sys.argv[1]
names = sorted(os.listdir(f"{w}/out-lb"))
def pixels(p):
    b = open(p, "rb").read()
    head = b.split(maxsplit=4)          # P5 width height maxval data
    n = int(head[1]) * int(head[2])
    return b[-n:]
same = sum(pixels(f"{w}/out-lb/{n}") == pixels(f"{w}/out-dt/{n}") for n in names)
print(f"{same}/{len(names)}")
EOF
)
rm -rf "$W/out-lb" "$W/out-dt"

python3 - "$W" "$FILES" "$CORES" "$CENTER" "$WIDTH" "$SAME" <<'EOF'
import json, re, sys
w, files, cores, c, width, same = sys.argv[1:7]
k = {r["name"]: r for r in json.load(open(f"{w}/kernel.json"))["results"]}
p = {r["name"]: r for r in json.load(open(f"{w}/process.json"))["results"]}
def field(r, key): return re.findall(key + r"=(\S+)", r["stdout"])[-1]
pix, it = int(field(k["lightbox"], "pixels")), int(field(k["lightbox"], "iterations"))
g = {n: pix * it / r["median"] / 1e9 for n, r in k.items()}
sums = {n: field(r, "checksum") for n, r in k.items()}
rounds = json.load(open(f"{w}/kernel.json"))["rounds"]
print(f"""## Window/level rendering (issue 3)

The first {files} files of the study ({pix // int(files)} pixels each, {field(k["numpy"], "dtype")} stored values, Rescale
Intercept {field(k["numpy"], "intercept")}), window {c}/{width} to 8-bit grey. Medians of {rounds} paired, alternating rounds (A B A B …);
the ratio is the median of the per-round ratios.

Kernel, one core, frames already in memory: `lightbox render --bench-window-level` decodes every
frame and builds its 64K-entry table (Modality LUT, window, floored as `dcmj2pnm` does) before the
clock starts, then times {it} passes of the table lookup over all frames (`GrayscaleTable.apply`,
what `lightbox render` runs). The reference is numpy {field(k["numpy"], "numpy")} `np.take(lut, frame)` on the same
frames decoded by pydicom, with the table computed the same way, also {it} passes, one core (numpy
does not thread `take`; it first widens the 16-bit indices to 64-bit). Output byte sums:
{'identical' if len(set(sums.values())) == 1 else 'DIFFERENT: ' + ', '.join(f'{n} {s}' for n, s in sums.items())}.

| Command | Seconds (median) | Seconds (min) | Gpixel/s | Ratio to Lightbox |
|---|---|---|---|---|""")
names = {"lightbox": "lightbox render --bench-window-level (GrayscaleTable.apply, one core)",
         "numpy": "numpy np.take(lut, frame) (one core)"}
for n, r in k.items():
    print(f"| {names[n]} | {r['median']:.3f} | {r['min']:.3f} | {g[n]:.2f} | {r['ratio']['median']:.2f} |")
print(f"""
Lightbox windows **{g['lightbox']:.2f} Gpixel/s** on one core (target ≥ 1 Gpixel/s per core),
**{k['numpy']['ratio']['median']:.1f}×** as fast as numpy's `take` on the same frames.

Whole process, one process per file for both, `xargs -P{cores}` on the {cores} cores: `lightbox render FILE -o
OUT.pgm --window {c},{width}` against DCMTK `dcmj2pnm +Ww {c} {width} +op FILE OUT.pgm` (read the file,
window, write a binary PGM; with one process per file, process start-up is much of either side's
time). Identical pixels in {same} files.

| Command | Seconds (median) | Seconds (min) | Ratio to Lightbox |
|---|---|---|---|""")
names = {"lightbox": f"lightbox render --window {c},{width} -o F.pgm (xargs -P{cores})",
         "dcmj2pnm": f"dcmj2pnm +Ww {c} {width} +op (xargs -P{cores})"}
for n, r in p.items():
    print(f"| {names[n]} | {r['median']:.3f} | {r['min']:.3f} | {r['ratio']['median']:.2f} |")
print(f"""
Lightbox is **{p['dcmj2pnm']['ratio']['median']:.2f}×** as fast as `dcmj2pnm` per file.""")
EOF
