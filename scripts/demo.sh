#!/usr/bin/env bash
# `make demo`: make a sample study with Chinese patient names and show what Lightbox reads in it.
set -euo pipefail
LIGHTBOX=${1:-.build/release/lightbox}
DIR=${2:-.build/demo}
rm -rf "$DIR"
mkdir -p "$DIR"

echo "== lightbox synth: two patients with GB18030 names (CT), one with GBK (MR)"
"$LIGHTBOX" synth "$DIR/study" --patients 2 --studies 1 --series 2 --images 8 --size 256 --charset gb18030 --seed 7
"$LIGHTBOX" synth "$DIR/study-mr" --patients 1 --series 1 --images 8 --size 256 --modality MR --charset gbk --seed 8

first=$(find "$DIR/study" -type f | sort | head -1)
echo
echo "== lightbox dump --header-only $first"
"$LIGHTBOX" dump --header-only "$first" | head -60

echo
echo "== lightbox dump --json (first 20 lines)"
"$LIGHTBOX" dump --json --header-only "$first" | head -20

echo
echo "Sample study: $DIR/study ($(find "$DIR/study" -type f | wc -l) files)"
