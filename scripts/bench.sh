#!/usr/bin/env bash
# `make bench`: Lightbox side by side with the reference tools, same data, same run, same cores,
# warm cache, every reference tool at its best. Writes docs/performance.md. Ratios matter, not
# absolute times: every ratio is the median of paired, alternating runs (scripts/paired.py).
#
# Sizes (defaults are what docs/performance.md is made with; smaller ones only check the scripts):
#   BENCH_IMAGES=2000 BENCH_SIZE=512   the study (about 1 GB) for indexing, transcode, network, burn
#   BENCH_ROUNDS=5                     paired rounds per comparison (after one warm-up round)
#   BENCH_COPY_ROUNDS=9                rounds of transcode against cp -r (the noisiest pair)
#   BENCH_CODEC_IMAGES=200             frames per codec
#   BENCH_ECHOES=200                   echoscu calls per server per round
#   BENCH_WL_FILES=200                 files for window/level
#   BENCH_MATCHES=10000                IMAGE-level C-FIND matches held by Orthanc for query/retrieve
#   BENCH_PRINT_ROUNDS=3               paired rounds of film printing (default BENCH_ROUNDS, at most 3:
#                                      each Lightbox round renders 160 films)
#   BENCH_PRINT_CLIENTS=16 BENCH_PRINT_FILMS=10 BENCH_PRINT_COMPOSE_FILMS=20   print SCUs, films each,
#                                      films composed for films/hour (read by scripts/bench-print.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
LIGHTBOX=$(realpath "${1:-.build/release/lightbox}")
PY=.build/venv/bin/python
WORK=.build/bench
IMAGES=${BENCH_IMAGES:-2000}
SIZE=${BENCH_SIZE:-512}
ROUNDS=${BENCH_ROUNDS:-${BENCH_RUNS:-5}}
COPY_ROUNDS=${BENCH_COPY_ROUNDS:-9}
CODEC_IMAGES=${BENCH_CODEC_IMAGES:-200}
ECHOES=${BENCH_ECHOES:-200}
WL_FILES=${BENCH_WL_FILES:-200}
MATCHES=${BENCH_MATCHES:-10000}
PRINT_ROUNDS=${BENCH_PRINT_ROUNDS:-$(( ROUNDS < 3 ? ROUNDS : 3 ))}
CORES=$(nproc)
PAIRED="python3 scripts/paired.py run"
START=$(date +%s)
LAP=$START
lap() { local t; t=$(date +%s); echo "bench: $1 took $((t - LAP)) s"; LAP=$t; }
mkdir -p "$WORK"
STUDY="$WORK/ct-${IMAGES}x${SIZE}"
if [ ! -f "$STUDY/.complete" ]; then
  rm -rf "$STUDY"
  echo "bench: generating $IMAGES CT images of ${SIZE}x${SIZE} in $STUDY"
  "$LIGHTBOX" synth "$STUDY" --patients 1 --studies 1 --series 1 --images "$IMAGES" --size "$SIZE" --modality CT --seed 1 >/dev/null
  touch "$STUDY/.complete"
fi
lap "the study"
FILES=$(find "$STUDY" -type f -name '*.dcm' | wc -l)
BYTES=$(du -sb --exclude=.complete "$STUDY" | cut -f1)
LIST="$WORK/files.txt"
find "$STUDY" -type f -name '*.dcm' | sort > "$LIST"

# pydicom parses every element up to the pixel data (stop_before_pixels), not only up to (0020,000E).
cat > "$WORK/pydicom_index.py" <<'PYEOF'
import sys, pydicom
for name in sys.argv[1:]:
    ds = pydicom.dcmread(name, stop_before_pixels=True)
    (ds.PatientID, ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID)
PYEOF

# One-file-per-process tools and pydicom get the list in CORES equal batches: one process per core.
BATCH=$(( (FILES + CORES - 1) / CORES ))
DCMDUMP="dcmdump -q -M +st 0020,000e +P 0010,0020 +P 0020,000d +P 0020,000e +P 0008,0018"
echo "bench: header-only indexing of $FILES files"
$PAIRED --rounds "$ROUNDS" --json "$WORK/index.json" \
  -n "lightbox" "$LIGHTBOX index $STUDY > /dev/null" \
  -n "lightbox, one core" "taskset -c 0 $LIGHTBOX index $STUDY > /dev/null" \
  -n "dcmdump" "xargs -a $LIST -P $CORES -n $BATCH $DCMDUMP > /dev/null" \
  -n "pydicom" "xargs -a $LIST -P $CORES -n $BATCH $PY $WORK/pydicom_index.py"
lap indexing

echo "bench: full read + write of $FILES files ($((BYTES / 1048576)) MiB) against cp -r"
OUT="$WORK/out"
$PAIRED --rounds "$COPY_ROUNDS" --reference "cp -r" --prepare "rm -rf $OUT && sync" --json "$WORK/rewrite.json" \
  -n "lightbox transcode" "$LIGHTBOX transcode $STUDY $OUT --syntax explicit-le" \
  -n "cp -r" "cp -r $STUDY $OUT"
rm -rf "$OUT"
lap "transcode against cp -r"

echo "bench: network (storescu -> storescp +B -pdu 131072 vs lightbox store-server, one association; echoscu rate)"
ROUNDS=$ROUNDS bash scripts/bench-network.sh "$STUDY" "$LIGHTBOX" "$ECHOES" > "$WORK/network.txt"
lap network

echo "bench: imaging codecs ($CODEC_IMAGES CT frames; lightbox transcode vs dcmdjpeg/dcmdrle/dcmdjpls per file, xargs -P$CORES, vs pydicom pixel_array)"
bash scripts/bench-imaging.sh "$LIGHTBOX" "$CODEC_IMAGES" 512 "$ROUNDS" > "$WORK/imaging.md"
lap "imaging codecs"

echo "bench: disc building (lightbox burn vs dcmmkdir + xorriso -stdio_sync end, vs cp -r; JPEG Lossless to STD-GEN-CD vs dcmdjpeg + dcmmkdir + xorriso)"
bash scripts/bench-burn.sh "$LIGHTBOX" "$STUDY" "$WORK" "$ROUNDS" > "$WORK/burn.md"
lap "disc building"

echo "bench: reading received media (lightbox import of the burnt ISO, previews off and on, vs xorriso -osirrox on -extract; lightbox check of the ISO vs dciodvfy of its DICOMDIR)"
bash scripts/bench-import.sh "$LIGHTBOX" "$STUDY" "$WORK" "$ROUNDS" > "$WORK/import.md"
lap "reading received media"

echo "bench: the on-disc viewer (burn --viewer full vs off, its size, stepping 500 frames in headless Chromium)"
bash scripts/bench-viewer.sh "$LIGHTBOX" "$STUDY" "$WORK" "$ROUNDS" "$SIZE" > "$WORK/viewer.md"
lap "the on-disc viewer"

echo "bench: window/level (lightbox vs numpy take on the same frames; lightbox render vs dcmj2pnm per file, xargs -P$CORES)"
bash scripts/bench-window-level.sh "$LIGHTBOX" "$STUDY" "$WORK" "$ROUNDS" "$WL_FILES" > "$WORK/window-level.md"
lap window/level

echo "bench: query/retrieve from Orthanc (C-GET vs getscu +B, C-MOVE vs movescu -> storescp +B, C-FIND of $MATCHES matches vs findscu)"
bash scripts/bench-qr.sh "$LIGHTBOX" "$STUDY" "$WORK" "$ROUNDS" "$MATCHES" > "$WORK/qr.md"
lap query/retrieve

echo "bench: film printing (${BENCH_PRINT_CLIENTS:-16} pynetdicom print SCUs × ${BENCH_PRINT_FILMS:-10} films: lightbox print-server vs dcmprscp; composing the issue's 14INX17IN film)"
bash scripts/bench-print.sh "$LIGHTBOX" "$WORK" "$PRINT_ROUNDS" > "$WORK/print.md"
lap "film printing"

"$PY" - "$WORK" "$FILES" "$BYTES" "$SIZE" "$CORES" "$BATCH" "$ECHOES" "$CODEC_IMAGES" "$DCMDUMP" <<'PYEOF' > docs/performance.md
import json, statistics, subprocess, sys
work, files, size_bytes, size, cores, batch, echoes, codec_images, dcmdump = sys.argv[1:10]
files, cores, batch, echoes = int(files), int(cores), int(batch), int(echoes)
def load(name):
    d = json.load(open(f"{work}/{name}.json"))
    return d["rounds"], {r["name"]: r for r in d["results"]}
def per_pair(a, b):  # median over rounds of a_i / b_i
    return statistics.median(x / y for x, y in zip(a["times"], b["times"]))
def row(label, r):
    return f"| {label} | {r['median']:.3f} | {r['min']:.3f} | {r['ratio']['median']:.2f} |"
rounds, idx = load("index"); copy_rounds, rw = load("rewrite")
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
xargs = f"`xargs -P{cores} -n {batch}`"
print(f"""# Performance

Generated by `make bench` (scripts/bench.sh) — do not edit by hand. Release build, warm page
cache, {files} synthetic CT files of {size}×{size} ({int(size_bytes) / 1048576:.0f} MiB) from `lightbox synth`; every tool
on the same data, in one run, on the same {cores} cores. Machine: {cpu}, {cores} cores.

How it is timed: `scripts/paired.py` runs the commands of a comparison in strict alternation
(A B A B …), one warm-up round and then N rounds, each run right after its prepare command
(removing the previous run's output, then `sync`, so that no run pays for writing back another's).
Tables give the median and the minimum seconds; a ratio is the median of the per-round ratios
(round i of one command against round i of the other), so drift in machine load hits both sides of
a pair alike. Ratios are what to read; absolute times depend on the machine.

Every reference tool runs at its best on the same cores: DCMTK tools that take one file per
process run under `xargs -P{cores}`; `storescp +B -pdu 131072`; `xorriso -stdio_sync end`; each
row names its settings.

## Header-only indexing (issue 2)

Reading each file's patient/study/series/instance keys, {rounds} paired rounds. Lightbox stops reading
at (0020,000E) and uses every core. DCMTK `{dcmdump}`:
`-M` does not load long values, `+st 0020,000e` stops after the Series Instance UID, `+P` prints only the
four keys; its list of files is cut into {cores} batches of {batch} (one process per core, {xargs}).
pydicom `dcmread(f, stop_before_pixels=True)` parses every element up to the pixel data, not only
up to (0020,000E), then reads the four keys; in {cores} processes too ({xargs}), each importing
pydicom once.

| Command | Seconds (median) | Seconds (min) | Ratio to Lightbox |
|---|---|---|---|""")
names = {"lightbox": "lightbox index (all cores)",
         "lightbox, one core": "taskset -c 0 lightbox index (one core)",
         "dcmdump": f"dcmdump -q -M +st 0020,000e +P ×4, {xargs}",
         "pydicom": f"pydicom dcmread(stop_before_pixels=True), {xargs}"}
for n, r in idx.items():
    print(row(names[n], r))
lb, one, dd, pd = idx["lightbox"], idx["lightbox, one core"], idx["dcmdump"], idx["pydicom"]
print(f"""
Lightbox is **{dd['ratio']['median']:.1f}×** as fast as dcmdump (target ≥ 1×) and **{pd['ratio']['median']:.1f}×** as fast as
pydicom (target ≥ 10×); pinned to one core, against both of them on {cores}, it is **{per_pair(dd, one):.1f}×** as
fast as dcmdump and **{per_pair(pd, one):.1f}×** as fast as pydicom.

## Full-file read + write (issue 2)

Every file read and written again in Explicit VR Little Endian (`lightbox transcode DIR OUT --syntax
explicit-le`: pixel data streamed from the source file, each output written to a temporary name
and renamed, files in parallel on every core), against `cp -r` of the same bytes; neither syncs.
{copy_rounds} paired rounds, each run after `rm -rf OUT && sync`; `cp -r` is timed the same way in
Disc building A.

| Command | Seconds (median) | Seconds (min) | Ratio to cp -r |
|---|---|---|---|""")
print(row("lightbox transcode --syntax explicit-le", rw["lightbox transcode"]))
print(row("cp -r", rw["cp -r"]))
print(f"""
Lightbox takes **{rw['lightbox transcode']['ratio']['median']:.2f}×** the time of `cp -r` (target ≤ 1.5×).""")
net, ratio = {}, {}
for line in open(f"{work}/network.txt"):
    parts = line.split()
    if len(parts) == 5 and parts[2] == "/":
        net[parts[0]] = float(parts[1]); net[parts[3]] = float(parts[4])
    elif len(parts) == 3 and parts[0] == "ratio":
        ratio[parts[1]] = float(parts[2])
print(f"""
## DICOM network (issue 4)

DCMTK `storescu -aec AE +sd +r +sp '*.dcm'` sends the same {files} files over one association to DCMTK
`storescp +B -pdu 131072` and to `lightbox store-server --max-pdu 131072`. Both write every object
to disk as it was received: `+B` (bit-preserving) makes storescp write the data set exactly as read,
without re-encoding, as Lightbox stores the bytes it receives; `-pdu 131072` gives storescp the
128 KiB maximum PDU that is lightbox store-server's default (passed explicitly here). Neither syncs.
`TCP_NODELAY=1` on every DCMTK side, which DCMTK 3.6.7 needs to be at its best on loopback.
C-STORE: {rounds} paired rounds (storescp, lightbox, storescp, …), each run after deleting that server's
previous files and a `sync`; median seconds, and the median of the per-round ratios.
`echoscu` opens one association per C-ECHO (associate, echo, release), its calls cycling through
the servers one by one, {echoes * rounds} each; its rate includes DCMTK's process start-up (about 20 ms),
which dominates, so the control row (a second `storescp +B -pdu 131072` in the same cycle, against
the first) shows how far apart two identical servers measure. The raw row makes the same
associations from one Python process over a plain socket, {echoes * 10} per server per round, the
servers alternating: the servers' own cost; median rates and the median of the per-round ratios.

| | storescp +B -pdu 131072 | lightbox store-server --max-pdu 131072 | Lightbox speed-up |
|---|---|---|---|
| C-STORE of {files} files (s, median) | {net['storescp_store_seconds']:.2f} | {net['lightbox_store_seconds']:.2f} | {ratio['store']:.2f}× |
| C-ECHO associations per second, echoscu | {net['storescp_echo_per_s']:.1f} | {net['lightbox_echo_per_s']:.1f} | {ratio['echo']:.3f}× |
| control: a second storescp, echoscu | {net['control_reference_echo_per_s']:.1f} | {net['control_storescp_echo_per_s']:.1f} (storescp) | {ratio['echo_control']:.3f}× |
| C-ECHO associations per second, raw socket | {net['storescp_raw_echo_per_s']:.0f} | {net['lightbox_raw_echo_per_s']:.0f} | {ratio['raw_echo']:.2f}× |

## Imaging codecs (issue 3)
""")
print(open(f"{work}/imaging.md").read().strip("\n"))
print()
print(open(f"{work}/burn.md").read().strip("\n"))
print()
print(open(f"{work}/import.md").read().strip("\n"))
print()
print(open(f"{work}/viewer.md").read().strip("\n"))
print()
print(open(f"{work}/window-level.md").read().strip("\n"))
print()
print(open(f"{work}/qr.md").read().strip("\n"))
print()
print(open(f"{work}/print.md").read().strip("\n"))
PYEOF
echo "bench: wrote docs/performance.md in $(( $(date +%s) - START )) s"
cat docs/performance.md
