#!/usr/bin/env bash
# Disc building (issue 5), release build, warm cache, one run of each tool on the same trees:
#   A. an Explicit VR LE study, STD-GEN-DVD-JPEG: `lightbox burn` (scan, PS3.10 names, DICOMDIR,
#      IHE PDI README/INDEX/web previews, ISO 9660 Level 1 image, read back through libcdio and
#      verified byte for byte) against DCMTK `dcmmkdir -Pdv` + `xorriso` (Level 1, no Rock Ridge,
#      no Joliet) on a tree already named as File IDs, and against `cp -r` of the same bytes;
#   B. the same study JPEG Lossless (dcmcjpeg +e1), STD-GEN-CD: `lightbox burn` (decompresses to
#      Explicit VR LE, splits at the CD's 700 MB) against `dcmdjpeg` per file (xargs -P2, both
#      cores) + `dcmmkdir -Pgp` + `xorriso`.
#
#   scripts/bench-burn.sh LIGHTBOX STUDY WORK [RUNS]   → markdown on stdout
set -euo pipefail
LIGHTBOX=${1:?usage: bench-burn.sh LIGHTBOX STUDY WORK [RUNS]}
STUDY=${2:?}
W=${3:?}/burn
RUNS=${4:-3}
for t in dcmmkdir dcmcjpeg dcmdjpeg xorriso hyperfine; do
  command -v "$t" >/dev/null || { echo "bench-burn: $t not found (make deps)" >&2; exit 2; }
done
mkdir -p "$W"
# The tree DCMTK needs: files named as File IDs (hard links to the study, so no extra bytes).
if [ ! -f "$W/tree/.complete" ]; then
  rm -rf "$W/tree"
  (cd "$STUDY" && find . -type f -name '*.dcm') | while read -r f; do
    d="$W/tree/DICOM/$(dirname "$f")"; mkdir -p "$d"; ln "$STUDY/$f" "$d/$(basename "$f" .dcm)"
  done
  touch "$W/tree/.complete"
fi
if [ ! -f "$W/jpll/.complete" ]; then
  rm -rf "$W/jpll"
  echo "bench-burn: making the JPEG Lossless copy (dcmcjpeg +e1)" >&2
  (cd "$W/tree" && find DICOM -type d) | while read -r d; do mkdir -p "$W/jpll/$d"; done
  (cd "$W/tree" && find DICOM -type f) | xargs -P2 -I{} dcmcjpeg +e1 "$W/tree/{}" "$W/jpll/{}"
  touch "$W/jpll/.complete"
fi
FILES=$(find "$W/tree/DICOM" -type f | wc -l)
MB=$(( $(du -sbL "$W/tree/DICOM" | cut -f1) / 1000000 ))
JMB=$(( $(du -sb "$W/jpll/DICOM" | cut -f1) / 1000000 ))
XORRISO="xorriso -report_about FAILURE -compliance iso_9660_level=1 -rockridge off -joliet off -volid LIGHTBOX"
HF="hyperfine --style basic --warmup 1 --runs $RUNS --export-json"

echo "bench-burn: A. $FILES files, $MB MB, STD-GEN-DVD-JPEG" >&2
$HF "$W/a.json" \
  -n "lightbox burn" --prepare "rm -rf $W/lb.iso $W/work; mkdir -p $W/work" \
     "$LIGHTBOX burn $W/tree/DICOM -o $W/lb.iso --profile STD-GEN-DVD-JPEG --work-dir $W/work" \
  -n "dcmmkdir + xorriso" --prepare "rm -f $W/tree/DICOMDIR $W/x.iso" \
     "dcmmkdir -q -Pdv +r +id $W/tree +D $W/tree/DICOMDIR && $XORRISO -outdev $W/x.iso -map $W/tree/DICOMDIR /DICOMDIR -map $W/tree/DICOM /DICOM -commit" \
  -n "cp -r" --prepare "rm -rf $W/cp" "cp -r $STUDY $W/cp" >/dev/null
rm -rf "$W/cp" "$W/lb.iso" "$W/x.iso" "$W/tree/DICOMDIR"

echo "bench-burn: B. $FILES JPEG Lossless files, $JMB MB, STD-GEN-CD" >&2
$HF "$W/b.json" \
  -n "lightbox burn" --prepare "rm -rf $W/cd*.iso $W/work; mkdir -p $W/work" \
     "$LIGHTBOX burn $W/jpll/DICOM -o $W/cd.iso --profile STD-GEN-CD --work-dir $W/work" \
  -n "dcmdjpeg (xargs -P2) + dcmmkdir + xorriso" \
     --prepare "rm -rf $W/dj $W/dj.iso; (cd $W/jpll && find DICOM -type d) | while read -r d; do mkdir -p $W/dj/\$d; done" \
     "(cd $W/jpll && find DICOM -type f) | xargs -P2 -I{} dcmdjpeg $W/jpll/{} $W/dj/{} && dcmmkdir -q -Pgp +r +id $W/dj +D $W/dj/DICOMDIR && $XORRISO -outdev $W/dj.iso -map $W/dj/DICOMDIR /DICOMDIR -map $W/dj/DICOM /DICOM -commit" >/dev/null
rm -rf "$W/dj" "$W"/cd*.iso "$W/dj.iso" "$W/work"

python3 - "$W" "$FILES" "$MB" "$JMB" <<'PY'
import json, sys
w, files, mb, jmb = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def load(n): return {r["command"]: r for r in json.load(open(f"{w}/{n}.json"))["results"]}
a, b = load("a"), load("b")
lb = a["lightbox burn"]["mean"]
print(f"""## Disc building (issue 5)

A: {files} synthetic CT files, {mb} MB Explicit VR LE, profile STD-GEN-DVD-JPEG. `lightbox burn`
scans, names the files (PS3.10), writes the DICOMDIR, README.TXT, INDEX.HTM and JPEG previews
(IHE PDI), the ISO 9660 Level 1 image, then reads the image back through libcdio and checks every
file against the DICOMDIR before renaming it into place. DCMTK `dcmmkdir -Pdv` writes only the
DICOMDIR, into a tree already named as File IDs, and `xorriso` writes the image (Level 1, no Rock
Ridge, no Joliet), without verification. hyperfine means over {len(a['lightbox burn']['times'])} runs.

| Command | Seconds | Ratio to lightbox burn |
|---|---|---|""")
for n, r in a.items():
    print(f"| {n} | {r['mean']:.2f} ± {r['stddev']:.2f} | {r['mean'] / lb:.2f} |")
ref = a["dcmmkdir + xorriso"]["mean"]; cp = a["cp -r"]["mean"]
print(f"""
Lightbox takes **{lb / ref:.2f}×** the time of dcmmkdir + xorriso (target ≤ 0.7×) and **{lb / cp:.2f}×**
the time of `cp -r` of the same bytes (target ≤ 2×).

B: the same study JPEG Lossless (`dcmcjpeg +e1`, {jmb} MB), profile STD-GEN-CD: every file is
decompressed to Explicit VR LE and the content is split at study/series boundaries into 700 MB
volumes. DCMTK: `dcmdjpeg` once per file on both cores (xargs -P2), `dcmmkdir -Pgp`, `xorriso`.

| Command | Seconds | Ratio to lightbox burn |
|---|---|---|""")
lb = b["lightbox burn"]["mean"]
for n, r in b.items():
    print(f"| {n} | {r['mean']:.2f} ± {r['stddev']:.2f} | {r['mean'] / lb:.2f} |")
ref = [r["mean"] for n, r in b.items() if n != "lightbox burn"][0]
print(f"""
Lightbox is **{ref / lb:.2f}×** as fast as the DCMTK pipeline (target > 1×).""")
PY
