#!/usr/bin/env bash
# Runs Lightbox's libFuzzer harnesses for a bounded time (`make fuzz` calls this).
#
#   scripts/fuzz.sh [part10|pdu|codec|all] [SECONDS]   (defaults: part10, 60 s per target)
#   scripts/fuzz.sh SECONDS                         (part10)
#
# Builds in its own scratch path (.build-fuzz) with -sanitize=fuzzer,address, seeds a corpus with
# small pydicom test files and hand-made hostile inputs, runs with an RSS limit of 512 MB and a 5 s
# per-input timeout, and keeps crashing inputs in fuzz-artifacts/. Exits non-zero if one is found.
# Reproduce a crash without the sanitizer build:  swift run Part10Fuzz fuzz-artifacts/part10/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

target=part10
case "${1:-}" in
    part10|pdu|codec|all) target=$1; shift ;;
    ''|*[!0-9]*) [ -n "${1:-}" ] && { echo "usage: $0 [part10|pdu|codec|all] [SECONDS]" >&2; exit 2; } ;;
esac
seconds=${1:-60}
scratch="$root/.build-fuzz"
artifacts="$root/fuzz-artifacts"
mkdir -p "$scratch" "$artifacts"

build() {   # $1 = product
    echo "== building $1 with libFuzzer and AddressSanitizer (scratch path $scratch)"
    swift build -c release --scratch-path "$scratch" --product "$1" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DLIGHTBOX_FUZZ
}

run() {   # $1 = product, $2 = corpus dir, $3 = artifact dir
    local bin="$scratch/release/$1"
    mkdir -p "$3"
    echo "== fuzzing $1 for $seconds s (corpus $2, artifacts $3)"
    local rc=0
    "$bin" "$2" -max_total_time="$seconds" -rss_limit_mb=512 -timeout=5 -max_len=65536 \
        -artifact_prefix="$3/" -print_final_stats=1 || rc=$?
    if [ $rc -ne 0 ] || compgen -G "$3/crash-*" > /dev/null || compgen -G "$3/oom-*" > /dev/null \
        || compgen -G "$3/timeout-*" > /dev/null; then
        echo "== $1: fuzzer found a problem (exit $rc); inputs in $3:" >&2
        ls -l "$3" >&2
        return 1
    fi
    echo "== $1: no crash in $seconds s"
}

# Seeds: small corpus files (< 64 KB) plus hostile inputs written by hand.
seed_part10() {
    local dir="$scratch/corpus-part10"
    mkdir -p "$dir"
    if [ -d "$root/.build/corpus/pydicom" ]; then
        find -L "$root/.build/corpus/pydicom" -maxdepth 1 -type f -name '*.dcm' -size -64k \
            -exec cp -n {} "$dir/" \;
    else
        echo "note: .build/corpus/pydicom is missing (make deps); seeding with hostile inputs only"
    fi
    python3 - "$dir" <<'PY'
import struct, sys, os, zlib
d = sys.argv[1]
LONG = {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"}
def ex(g, e, vr, v=b"", length=None):
    l = len(v) if length is None else length
    h = struct.pack("<HH", g, e) + vr
    h += (b"\0\0" + struct.pack("<I", l)) if vr in LONG else struct.pack("<H", l & 0xFFFF)
    return h + v
def item(l): return struct.pack("<HHI", 0xFFFE, 0xE000, l)
ITEM_END = struct.pack("<HHI", 0xFFFE, 0xE00D, 0)
SEQ_END = struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
def uid(s): b = s.encode(); return b + (b"\0" if len(b) % 2 else b"")
def part10(body, ts="1.2.840.10008.1.2.1"):
    meta = ex(2, 1, b"OB", b"\0\1") + ex(2, 2, b"UI", uid("1.2.840.10008.5.1.4.1.1.7")) \
         + ex(2, 3, b"UI", uid("1.2.3.4")) + ex(2, 0x10, b"UI", uid(ts))
    return b"\0" * 128 + b"DICM" + ex(2, 0, b"UL", struct.pack("<I", len(meta))) + meta + body
sop = ex(8, 0x16, b"UI", uid("1.2.840.10008.5.1.4.1.1.7"))
nest = b"".join(ex(0x40, 0xA730, b"SQ", length=0xFFFFFFFF) + item(0xFFFFFFFF) for _ in range(100))
seeds = {
    "hostile-preamble-only": b"\0" * 128 + b"DICM",
    "hostile-value-past-eof": part10(sop + ex(0x10, 0x10, b"PN", b"DOE^JOHN", 256)),
    "hostile-ob-4g": part10(sop + ex(9, 0x1010, b"OB", b"\1\2\3\4", 0xFFFFFFF0)),
    "hostile-sq-4g": part10(sop + ex(8, 0x1140, b"SQ", length=0xFFFFFFF0) + item(0)),
    "hostile-item-4g": part10(sop + ex(8, 0x1140, b"SQ", length=0xFFFFFFFF) + item(0xFFFFFFF0) + SEQ_END),
    "hostile-fragment-4g": part10(sop + ex(0x7FE0, 0x10, b"OB", length=0xFFFFFFFF) + item(0) + item(0xFFFFFFF0),
                                  "1.2.840.10008.1.2.4.50"),
    "hostile-encapsulated": part10(sop + ex(0x7FE0, 0x10, b"OB", length=0xFFFFFFFF) + item(4) + b"\0\0\0\0"
                                   + item(4) + b"\xff\xd8\xff\xd9" + SEQ_END, "1.2.840.10008.1.2.4.50"),
    "hostile-nested": part10(sop + nest + ex(0x40, 0xA160, b"UT", b"leaf") + (ITEM_END + SEQ_END) * 100),
    "hostile-odd": part10(sop + ex(0x10, 0x10, b"PN", b"ABC") + ex(0x10, 0x20, b"LO", b"12345")),
    "hostile-implicit": struct.pack("<HHI", 8, 0x16, 6) + b"1.2.3\0" + struct.pack("<HHI", 0x10, 0x10, 4) + b"A^B ",
    "hostile-bigendian": part10(struct.pack(">HH", 8, 0x16) + b"UI" + struct.pack(">H", 6) + b"1.2.3\0"
                                + struct.pack(">HH", 0x28, 0x10) + b"US" + struct.pack(">HH", 2, 64), "1.2.840.10008.1.2.2"),
    "hostile-deflate-corrupt": part10(b"\x07\x00\x11\x22\x33\x44", "1.2.840.10008.1.2.1.99"),
}
c = zlib.compressobj(9, zlib.DEFLATED, -15)
body = sop + ex(0x10, 0x10, b"PN", b"DOE^JANE") + ex(0x10, 0x4000, b"LT", b"lorem ipsum " * 50)
seeds["hostile-deflate-ok"] = part10(c.compress(body) + c.flush(), "1.2.840.10008.1.2.1.99")
for name, data in seeds.items():
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
PY
    echo "$dir"
}

status=0
if [ "$target" = part10 ] || [ "$target" = all ]; then
    build Part10Fuzz
    corpus=$(seed_part10 | tail -n 1)
    run Part10Fuzz "$corpus" "$artifacts/part10" || status=1
fi
if [ "$target" = pdu ] || [ "$target" = all ]; then
    if [ -d "$root/Sources/PDUFuzz" ]; then
        build PDUFuzz
        corpus="$scratch/corpus-pdu"
        mkdir -p "$corpus"
        # Seeds: whatever the PDU fuzzer's author keeps in Tests/Fuzz/pdu-seeds, if anything.
        if [ -d "$root/Tests/Fuzz/pdu-seeds" ]; then cp -n "$root"/Tests/Fuzz/pdu-seeds/* "$corpus/" 2>/dev/null || true; fi
        run PDUFuzz "$corpus" "$artifacts/pdu" || status=1
    else
        echo "== pdu: Sources/PDUFuzz is not there yet; nothing to fuzz"
    fi
fi
if [ "$target" = codec ] || [ "$target" = all ]; then
    build CodecFuzz
    corpus="$scratch/corpus-codec"
    mkdir -p "$corpus"
    # Seeds: the JPEG Lossless, RLE and JPEG-LS fragments of small corpus files, prefixed with the
    # selector byte the harness reads (0: JPEG Lossless, 1: RLE, 2: JPEG-LS, 3: HTJ2K).
    if [ -x "$root/.build/venv/bin/python" ]; then
        "$root/.build/venv/bin/python" - "$root/.build/corpus/pydicom" "$corpus" <<'PYEOF' || true
import os, sys, pydicom
from pydicom.encaps import generate_fragments
src, out = sys.argv[1], sys.argv[2]
kinds = {"1.2.840.10008.1.2.4.57": 0, "1.2.840.10008.1.2.4.70": 0, "1.2.840.10008.1.2.5": 1,
         "1.2.840.10008.1.2.4.80": 2}
n = 0
for name in sorted(os.listdir(src)):
    path = os.path.join(src, name)
    if os.path.getsize(path) > 200_000:
        continue
    try:
        ds = pydicom.dcmread(path)
        kind = kinds.get(str(ds.file_meta.TransferSyntaxUID))
        if kind is None:
            continue
        frag = next(generate_fragments(ds.PixelData))
        open(os.path.join(out, f"seed-{n}"), "wb").write(bytes([kind]) + frag[:65000])
        n += 1
    except Exception:
        pass
PYEOF
    fi
    # HTJ2K seeds (selector 3): small codestreams from OpenJPH's ojph_compress (the corpus has no
    # HTJ2K files): 8- and 16-bit grey, signed and not, reversible and not, tiled, RPCL and LRCP.
    if command -v ojph_compress >/dev/null; then
        python3 - "$corpus" <<'PYEOF' || true
import os, random, subprocess, sys, tempfile
out = sys.argv[1]
tmp = tempfile.mkdtemp()
random.seed(3)
cases = [(16, 16, 8, "false", ["-reversible", "true", "-num_decomps", "4"]),
         (33, 20, 12, "false", ["-reversible", "true", "-prog_order", "LRCP", "-num_decomps", "4"]),
         (40, 40, 16, "true", ["-reversible", "true", "-tile_size", "{32,32}", "-num_decomps", "2"]),
         (24, 17, 16, "true", ["-reversible", "false", "-qstep", "0.01", "-num_decomps", "3"]),
         (64, 8, 8, "false", ["-reversible", "true", "-num_decomps", "3", "-block_size", "{8,8}"])]
for n, (w, h, bits, signed, extra) in enumerate(cases):
    width = 1 if bits <= 8 else 2
    raw = os.path.join(tmp, "in.yuv"); j2c = os.path.join(tmp, "out.j2c")
    with open(raw, "wb") as f:
        for y in range(h):
            for x in range(w):
                f.write(((x * 37 + y * 11 + random.randrange(8)) % (1 << bits)).to_bytes(width, "little"))
    args = ["ojph_compress", "-i", raw, "-o", j2c, "-dims", "{%d,%d}" % (w, h), "-num_comps", "1",
            "-signed", signed, "-bit_depth", str(bits), "-downsamp", "{1,1}"] + extra
    if subprocess.run(args, capture_output=True).returncode == 0:
        open(os.path.join(out, "seed-htj2k-%d" % n), "wb").write(bytes([3]) + open(j2c, "rb").read())
PYEOF
    else
        echo "note: ojph_compress (openjph-tools) is missing; no HTJ2K seeds"
    fi
    run CodecFuzz "$corpus" "$artifacts/codec" || status=1
fi
exit $status
