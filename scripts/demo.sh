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

first=$(find "$DIR/disc" -type f | sort | head -1)
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
grep -E "DirectoryRecordType|PatientName|ReferencedFileID" "$DIR/dicomdir.txt" | head -12
echo "   … (full output: $DIR/dicomdir.txt)"

echo
echo "== lightbox index: keys of every file, headers only"
"$LIGHTBOX" index "$DIR/disc" "$DIR/mr" > "$DIR/index.tsv"
echo "$(wc -l < "$DIR/index.tsv") DICOM files indexed into $DIR/index.tsv"

echo
echo "Done. Sample disc tree: $DIR/disc (DICOMDIR at its root); MR study: $DIR/mr;"
echo "rendered image: $DIR/first.png."
