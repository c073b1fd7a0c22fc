#!/usr/bin/env bash
# `make demo`: make a sample study with Chinese patient names, look inside it, render an image and
# build a DICOMDIR for it — the main jobs Lightbox does today, on generated data.
set -euo pipefail
LIGHTBOX=${1:-.build/release/lightbox}
DIR=${2:-.build/demo}
rm -rf "$DIR"
mkdir -p "$DIR"
show() { head -n "$1" "$2"; echo "   … (full output: $2)"; }

echo "== lightbox synth: two CT patients with GB18030 names, PS3.10 file names (no extension)"
"$LIGHTBOX" synth "$DIR/disc" --patients 2 --studies 1 --series 2 --images 8 --size 256 --charset gb18030 --seed 7 --no-extension
echo "== lightbox synth: an MR patient with a GBK name"
"$LIGHTBOX" synth "$DIR/mr" --patients 1 --series 1 --images 8 --size 256 --modality MR --charset gbk --seed 8

first=$(find "$DIR/disc" -type f | sort | sed -n 1p)  # sed reads to the end: no SIGPIPE under pipefail
echo
echo "== lightbox dump --header-only $first"
"$LIGHTBOX" dump --header-only "$first" > "$DIR/dump.txt"
show 45 "$DIR/dump.txt"

echo
echo "== lightbox dump --json (DICOM JSON Model, PS3.18 F)"
"$LIGHTBOX" dump --json --header-only "$first" > "$DIR/first.json"
show 12 "$DIR/first.json"

echo
echo "== lightbox render: brain window, 512x512 PNG"
"$LIGHTBOX" render "$first" -o "$DIR/first.png" --window 40,80 --size 512x512
ls -l "$DIR/first.png"

echo
echo "== lightbox dicomdir: PS3.3 Annex F DICOMDIR for the STD-GEN-CD profile"
"$LIGHTBOX" dicomdir "$DIR/disc" --profile STD-GEN-CD --fileset-id LIGHTBOX_DEMO
"$LIGHTBOX" dump "$DIR/disc/DICOMDIR" > "$DIR/dicomdir.txt"
grep -m 12 -E "DirectoryRecordType|PatientName|ReferencedFileID" "$DIR/dicomdir.txt"  # -m, not | head: head closing the pipe fails the script (pipefail)
echo "   … (full output: $DIR/dicomdir.txt)"

echo
echo "== lightbox index: keys of every file, headers only"
"$LIGHTBOX" index "$DIR/disc" "$DIR/mr" > "$DIR/index.tsv"
echo "$(wc -l < "$DIR/index.tsv") DICOM files indexed into $DIR/index.tsv"

echo
echo "== lightbox burn: a patient disc (STD-GEN-CD) from both studies: DICOMDIR, IHE PDI web pages,"
echo "   ISO 9660 image read back and verified, and a printable disc label"
"$LIGHTBOX" burn "$DIR/mr" "$DIR/disc" -o "$DIR/patient-disc.iso" --profile STD-GEN-CD --fileset-id DEMO_DISC \
  --institution "北京协和医院 Demo Hospital" --label "$DIR/disc-label.pdf" --plain-progress
if command -v isoinfo >/dev/null; then
  echo "   files on the disc (isoinfo -f):"; isoinfo -f -i "$DIR/patient-disc.iso" | grep -v -e "/DICOM/" -e "/IMAGES/" | sed 's/^/     /'
fi

echo
echo "Done."
echo "  Patient disc image:  $DIR/patient-disc.iso   (burn it with any burner, or: lightbox burn … --usb /media/stick)"
echo "  Open it:             mkdir -p /tmp/disc && sudo mount -o loop,ro $DIR/patient-disc.iso /tmp/disc, then open"
echo "                       /tmp/disc/INDEX.HTM in a browser or /tmp/disc/DICOMDIR in a DICOM viewer;"
echo "                       or list it without mounting: xorriso -indev $DIR/patient-disc.iso -ls /"
echo "  Disc label (PDF):    $DIR/disc-label.pdf"
echo "  Sample tree:         $DIR/disc (DICOMDIR at its root); MR study: $DIR/mr; rendered image: $DIR/first.png"
