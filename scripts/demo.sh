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
echo "== lightbox ls + lightbox import: what the disc holds, then its studies copied into tidy folders"
"$LIGHTBOX" ls "$DIR/patient-disc.iso"
"$LIGHTBOX" import "$DIR/patient-disc.iso" "$DIR/imported" | grep -v "^  " || true
find "$DIR/imported" -mindepth 1 -maxdepth 2 -type d | sort | sed 's/^/     /'

echo
echo "== lightbox print-server + lightbox print: the CT study on 14x17 in film, STANDARD\\2,2, to Lightbox's"
echo "   virtual film printer (PDF at true size, 16-bit density PNG, screen preview)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$LIGHTBOX" print-server --port "$PORT" --aet DEMO_PRINT --spool "$DIR/print-spool" > "$DIR/print-server.log" 2>&1 &
PRINT_SERVER=$!
trap 'kill $PRINT_SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$DIR/print-server.log" && break; sleep 0.1; done
"$LIGHTBOX" print 127.0.0.1 "$PORT" --call DEMO_PRINT "$DIR/disc" --format 'STANDARD\2,2' --size 14INX17IN \
  --label "CT demo" --annotation "Lightbox demo 演示"
for _ in $(seq 600); do [ -z "$(ls -A "$DIR/print-spool/queue" 2>/dev/null)" ] && break; sleep 0.1; done
kill $PRINT_SERVER 2>/dev/null || true; wait $PRINT_SERVER 2>/dev/null || true
FILMS=$(find "$DIR/print-spool/films" -name 'film-*.pdf' | wc -l)
echo "   $FILMS films in $(dirname "$(find "$DIR/print-spool/films" -name 'film-1.pdf' | sed -n 1p)")"
[ "$FILMS" -gt 0 ] || { echo "demo: no film was printed (see $DIR/print-server.log)" >&2; exit 1; }

echo
echo "Done."
echo "  Patient disc image:  $DIR/patient-disc.iso   (burn it with any burner, or: lightbox burn … --usb /media/stick)"
echo "  Open it:             mkdir -p /tmp/disc && sudo mount -o loop,ro $DIR/patient-disc.iso /tmp/disc, then open"
echo "                       /tmp/disc/INDEX.HTM in a browser or /tmp/disc/DICOMDIR in a DICOM viewer;"
echo "                       or list it without mounting: xorriso -indev $DIR/patient-disc.iso -ls /"
echo "  Disc label (PDF):    $DIR/disc-label.pdf"
echo "  Imported studies:    $DIR/imported (Patient/Study/Series folders)"
echo "  Films:               $DIR/print-spool/films/<date>/LIGHTBOX/CT demo/film-N.pdf (.png: densities, -preview.png: screen)"
echo "  Sample tree:         $DIR/disc (DICOMDIR at its root); MR study: $DIR/mr; rendered image: $DIR/first.png"
