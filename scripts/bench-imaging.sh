#!/usr/bin/env bash
# Imaging codec speed, whole process, release build: `lightbox transcode DIR OUT --syntax explicit-le`
# (one process for the folder, parallel across files) against DCMTK `dcmdjpeg`/`dcmdrle` (one
# process per file, xargs -P1) and pydicom 3 `pixel_array` with the pylibjpeg plugins.
#
#   scripts/bench-imaging.sh LIGHTBOX_BINARY [IMAGES] [SIZE]
#   CODECS="jpll rle" scripts/bench-imaging.sh …   (a subset; default jpll jpeg rle jls)
#
# Builds a synthetic CT study (`lightbox synth`, IMAGES slices of SIZE², default 200 × 512²), then
# JPEG Lossless SV1 (dcmcjpeg +e1), JPEG Baseline (dcmcjpeg +eb +Wm, 8-bit) and RLE (dcmcrle)
# folders, JPEG-LS Lossless (dcmcjpls) too, and prints a markdown table with the times (hyperfine mean) and the ratios.
set -euo pipefail
lightbox=${1:?usage: bench-imaging.sh LIGHTBOX_BINARY [IMAGES] [SIZE]}
images=${2:-200}
size=${3:-512}
root=$(cd "$(dirname "$0")/.." && pwd)
python="$root/.build/venv/bin/python"
for tool in dcmcjpeg dcmdjpeg dcmcrle dcmdrle dcmcjpls dcmdjpls hyperfine; do
  command -v "$tool" >/dev/null || { echo "bench-imaging: $tool not found (apt install dcmtk hyperfine)" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-imaging.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$lightbox" synth "$work/study" --images "$images" --size "$size" --seed 1 >/dev/null
mkdir -p "$work/native" "$work/jpll" "$work/jpeg" "$work/rle" "$work/jls"
i=0
while IFS= read -r f; do
  i=$((i + 1)); n=$(printf '%05d' "$i")
  cp "$f" "$work/native/$n.dcm"
done < <(find "$work/study" -type f | sort)
echo "bench-imaging: $i files of ${size}x${size} CT; encoding with DCMTK" >&2
ls "$work/native" | xargs -P2 -I{} sh -c "
  dcmcjpeg +e1 '$work/native/{}' '$work/jpll/{}' &&
  dcmcjpeg +eb +Wm '$work/native/{}' '$work/jpeg/{}' &&
  dcmcrle '$work/native/{}' '$work/rle/{}' &&
  dcmcjpls '$work/native/{}' '$work/jls/{}'"

cat > "$work/pydicom_all.py" <<'PY'
import os, sys, warnings
import pydicom
warnings.simplefilter("ignore")
d = sys.argv[1]
total = 0
for name in sorted(os.listdir(d)):
    total += pydicom.dcmread(os.path.join(d, name)).pixel_array.size
print(total)
PY

rows=()
for codec in ${CODECS:-jpll jpeg rle jls}; do
  case $codec in
    jpll) dcmtk=dcmdjpeg; label="JPEG Lossless SV1 (.70)";;
    jpeg) dcmtk=dcmdjpeg; label="JPEG Baseline (.50)";;
    rle)  dcmtk=dcmdrle;  label="RLE Lossless (.5)";;
    jls)  dcmtk=dcmdjpls; label="JPEG-LS Lossless (.80)";;
  esac
  in="$work/$codec"
  hyperfine -N --warmup 1 --runs 5 --export-json "$work/$codec.json" \
    -n lightbox "bash -c 'rm -rf $work/out-lb && $lightbox transcode $in $work/out-lb --syntax explicit-le >/dev/null 2>&1'" \
    -n dcmtk "bash -c 'rm -rf $work/out-dt && mkdir $work/out-dt && ls $in | xargs -P1 -I{} $dcmtk $in/{} $work/out-dt/{}'" \
    -n pydicom "$python $work/pydicom_all.py $in" >&2
  rows+=("$codec|$label")
done

python3 - "$work" "$i" "$size" "${rows[@]}" <<'PY'
import json, sys
work, count, size = sys.argv[1], sys.argv[2], sys.argv[3]
print(f"\n{count} × {size}² CT frames, whole process (hyperfine mean of 5 runs)\n")
print("| codec | lightbox s | dcmtk s | pydicom s | dcmtk / lightbox | pydicom / lightbox |")
print("|---|---:|---:|---:|---:|---:|")
for row in sys.argv[4:]:
    key, label = row.split("|", 1)
    res = {r["command"]: r["mean"] for r in json.load(open(f"{work}/{key}.json"))["results"]}
    lb, dt, py = res["lightbox"], res["dcmtk"], res["pydicom"]
    print(f"| {label} | {lb:.2f} | {dt:.2f} | {py:.2f} | {dt/lb:.2f}× | {py/lb:.2f}× |")
PY
