#!/usr/bin/env bash
# Disc building (issue 5), release build, warm cache, every tool on the same trees:
#   A. an Explicit VR LE study, STD-GEN-DVD-JPEG: `lightbox burn` (scan, PS3.10 names, DICOMDIR,
#      IHE PDI README/INDEX/web previews, ISO 9660 Level 1 image, one fsync, read back through
#      libcdio and verified byte for byte) against DCMTK `dcmmkdir -Pdv` + `xorriso` (Level 1, no
#      Rock Ridge, no Joliet, `-stdio_sync end`: one sync of the image at the end, as Lightbox
#      fsyncs once, instead of xorriso's default of one every 16 MiB) on a tree already named as
#      File IDs, and against `cp -r` of the same bytes;
#   B. the same study JPEG Lossless (dcmcjpeg +e1), STD-GEN-CD: `lightbox burn` (decompresses to
#      Explicit VR LE, splits at the CD's 700 MB) against `dcmdjpeg` per file (xargs -P$(nproc), all
#      cores) + `dcmmkdir -Pgp` + `xorriso -stdio_sync end`.
#   C. the study of A on Blu-ray, STD-GEN-BD-JPEG (issue 19): `lightbox burn` writing the UDF 2.60
#      image with its ISO 9660 bridge (and once with --no-bridge), scan to verified rename as in A,
#      against `xorriso -stdio_sync end` alone writing an ISO 9660 image of the same DICOM tree.
# Every `lightbox burn` here runs with `--viewer off`, as these comparisons were set before the
# on-disc viewer existed; scripts/bench-viewer.sh measures what the viewer adds.
# Timed by scripts/paired.py: rounds of alternating runs (A B C A B C …), each after its own
# clean-up and a `sync`; ratios are medians of the per-round ratios.
#
#   scripts/bench-burn.sh LIGHTBOX STUDY WORK [ROUNDS]   → markdown on stdout
set -euo pipefail
LIGHTBOX=${1:?usage: bench-burn.sh LIGHTBOX STUDY WORK [ROUNDS]}
STUDY=${2:?}
# Trees are kept between runs (they take a while), one set per study.
W=${3:?}/burn-$(basename "$STUDY")
ROUNDS=${4:-5}
PAIRED="python3 $(cd "$(dirname "$0")" && pwd)/paired.py run --rounds $ROUNDS --json"
CORES=$(nproc)
for t in dcmmkdir dcmcjpeg dcmdjpeg xorriso; do
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
  (cd "$W/tree" && find DICOM -type f) | xargs -P"$CORES" -I{} dcmcjpeg +e1 "$W/tree/{}" "$W/jpll/{}"
  touch "$W/jpll/.complete"
fi
FILES=$(find "$W/tree/DICOM" -type f | wc -l)
MB=$(( $(du -sbL "$W/tree/DICOM" | cut -f1) / 1000000 ))
JMB=$(( $(du -sb "$W/jpll/DICOM" | cut -f1) / 1000000 ))
XORRISO="xorriso -report_about FAILURE -compliance iso_9660_level=1 -rockridge off -joliet off -volid LIGHTBOX -stdio_sync end"

echo "bench-burn: A. $FILES files, $MB MB, STD-GEN-DVD-JPEG" >&2
$PAIRED "$W/a.json" \
  -n "lightbox burn" -p "rm -rf $W/lb.iso $W/work && mkdir -p $W/work && sync" \
     "$LIGHTBOX burn $W/tree/DICOM -o $W/lb.iso --profile STD-GEN-DVD-JPEG --viewer off --work-dir $W/work" \
  -n "dcmmkdir + xorriso" -p "rm -f $W/tree/DICOMDIR $W/x.iso && sync" \
     "dcmmkdir -q -Pdv +r +id $W/tree +D $W/tree/DICOMDIR && $XORRISO -outdev $W/x.iso -map $W/tree/DICOMDIR /DICOMDIR -map $W/tree/DICOM /DICOM -commit" \
  -n "cp -r" -p "rm -rf $W/cp && sync" "cp -r $STUDY $W/cp"
rm -rf "$W/cp" "$W/lb.iso" "$W/x.iso" "$W/tree/DICOMDIR"

echo "bench-burn: B. $FILES JPEG Lossless files, $JMB MB, STD-GEN-CD" >&2
$PAIRED "$W/b.json" \
  -n "lightbox burn" -p "rm -rf $W/cd*.iso $W/work && mkdir -p $W/work && sync" \
     "$LIGHTBOX burn $W/jpll/DICOM -o $W/cd.iso --profile STD-GEN-CD --viewer off --work-dir $W/work" \
  -n "dcmdjpeg (xargs -P$CORES) + dcmmkdir + xorriso" \
     -p "rm -rf $W/dj $W/dj.iso && (cd $W/jpll && find DICOM -type d) | while read -r d; do mkdir -p $W/dj/\$d; done && sync" \
     "(cd $W/jpll && find DICOM -type f) | xargs -P$CORES -I{} dcmdjpeg $W/jpll/{} $W/dj/{} && dcmmkdir -q -Pgp +r +id $W/dj +D $W/dj/DICOMDIR && $XORRISO -outdev $W/dj.iso -map $W/dj/DICOMDIR /DICOMDIR -map $W/dj/DICOM /DICOM -commit"
rm -rf "$W/dj" "$W"/cd*.iso "$W/dj.iso" "$W/work"

echo "bench-burn: C. $FILES files, $MB MB, STD-GEN-BD-JPEG (UDF 2.60)" >&2
$PAIRED "$W/c.json" \
  -n "xorriso" -p "rm -f $W/x.iso && sync" "$XORRISO -outdev $W/x.iso -map $W/tree/DICOM /DICOM -commit" \
  -n "lightbox burn BD" -p "rm -rf $W/bd.udf $W/work && mkdir -p $W/work && sync" \
     "$LIGHTBOX burn $W/tree/DICOM -o $W/bd.udf --profile STD-GEN-BD-JPEG --viewer off --work-dir $W/work" \
  -n "lightbox burn BD --no-bridge" -p "rm -rf $W/bdn.udf $W/work && mkdir -p $W/work && sync" \
     "$LIGHTBOX burn $W/tree/DICOM -o $W/bdn.udf --profile STD-GEN-BD-JPEG --no-bridge --viewer off --work-dir $W/work"
rm -rf "$W/x.iso" "$W/bd.udf" "$W/bdn.udf" "$W/work"

python3 - "$W" "$FILES" "$MB" "$JMB" "$CORES" <<'PY'
import json, statistics, sys
w, files, mb, jmb, cores = sys.argv[1:6]
def load(n):
    d = json.load(open(f"{w}/{n}.json"))
    return d["rounds"], {r["name"]: r for r in d["results"]}
def per_pair(a, b):  # median over rounds of a_i / b_i
    return statistics.median(x / y for x, y in zip(a["times"], b["times"]))
rounds, a = load("a"); _, b = load("b"); _, c = load("c")
print(f"""## Disc building (issue 5)

Medians of {rounds} paired, alternating rounds (A B C A B C …), each run after its own clean-up and a
`sync`; ratios are medians of the per-round ratios. Every `lightbox burn` here runs with `--viewer off`,
as these comparisons were set before the on-disc viewer existed; "The on-disc viewer" below measures it.

A: {files} synthetic CT files, {mb} MB Explicit VR LE, profile STD-GEN-DVD-JPEG. `lightbox burn`
scans, names the files (PS3.10), writes the DICOMDIR, README.TXT, INDEX.HTM and JPEG previews
(IHE PDI), the ISO 9660 Level 1 image (fsynced once, at the end), then reads the image back through
libcdio and checks every file against the DICOMDIR before renaming it into place. DCMTK
`dcmmkdir -Pdv` writes only the DICOMDIR, into a tree already named as File IDs, and `xorriso
-compliance iso_9660_level=1 -rockridge off -joliet off -stdio_sync end` writes the image (Level 1,
no Rock Ridge, no Joliet; `-stdio_sync end` syncs once when the image is complete, as Lightbox does,
instead of xorriso's default of every 16 MiB), without verification. `cp -r` copies the same bytes
and does not sync.

| Command | Seconds (median) | Seconds (min) | Ratio to lightbox burn |
|---|---|---|---|""")
names = {"lightbox burn": "lightbox burn --profile STD-GEN-DVD-JPEG --viewer off",
         "dcmmkdir + xorriso": "dcmmkdir -Pdv + xorriso -stdio_sync end", "cp -r": "cp -r"}
for n, r in a.items():
    print(f"| {names[n]} | {r['median']:.2f} | {r['min']:.2f} | {r['ratio']['median']:.2f} |")
lb = a["lightbox burn"]
print(f"""
Lightbox takes **{per_pair(lb, a['dcmmkdir + xorriso']):.2f}×** the time of dcmmkdir + xorriso (target ≤ 0.7×) and
**{per_pair(lb, a['cp -r']):.2f}×** the time of `cp -r` of the same bytes (target ≤ 2×).

B: the same study JPEG Lossless (`dcmcjpeg +e1`, {jmb} MB), profile STD-GEN-CD: every file is
decompressed to Explicit VR LE and the content is split at study/series boundaries into 700 MB
volumes. DCMTK: `dcmdjpeg` once per file on all {cores} cores (`xargs -P{cores}`), `dcmmkdir -Pgp`,
`xorriso` as in A (`-stdio_sync end`).

| Command | Seconds (median) | Seconds (min) | Ratio to lightbox burn |
|---|---|---|---|""")
for n, r in b.items():
    label = "lightbox burn --profile STD-GEN-CD --viewer off" if n == "lightbox burn" else n.replace("xorriso", "xorriso -stdio_sync end")
    print(f"| {label} | {r['median']:.2f} | {r['min']:.2f} | {r['ratio']['median']:.2f} |")
ref = [r for n, r in b.items() if n != "lightbox burn"][0]
print(f"""
Lightbox is **{ref['ratio']['median']:.2f}×** as fast as the DCMTK pipeline (target > 1×).

C (issue 19): the study of A on Blu-ray, profile STD-GEN-BD-JPEG. `lightbox burn` does all of A's
work and writes a UDF 2.60 image (ECMA-167 descriptors, metadata partition and its mirror, the
file data copied inside the kernel) with an ISO 9660 bridge over the same extents, then reads it
back through its own UDF reader and checks every file before renaming it into place. The
reference is `xorriso -compliance iso_9660_level=1 -rockridge off -joliet off -stdio_sync end`
writing only an ISO 9660 image of the same DICOM files (no DICOMDIR, no web content, no
verification). Nothing in Debian 12 writes a populated UDF 2.5 image without mounting one, so an
ISO 9660 writer is the reference the issue names.

| Command | Seconds (median) | Seconds (min) | Ratio to xorriso |
|---|---|---|---|""")
labels = {"xorriso": "xorriso -stdio_sync end (ISO 9660)", "lightbox burn BD": "lightbox burn --profile STD-GEN-BD-JPEG --viewer off (UDF 2.60 + bridge)",
          "lightbox burn BD --no-bridge": "lightbox burn --profile STD-GEN-BD-JPEG --no-bridge --viewer off"}
for n, r in c.items():
    print(f"| {labels[n]} | {r['median']:.2f} | {r['min']:.2f} | {r['ratio']['median']:.2f} |")
print(f"""
Writing the Blu-ray disc takes **{per_pair(c['lightbox burn BD'], c['xorriso']):.2f}×** the time xorriso takes for the ISO 9660
image alone (target ≤ 1.0×); without the bridge **{per_pair(c['lightbox burn BD --no-bridge'], c['xorriso']):.2f}×**.""")
PY
