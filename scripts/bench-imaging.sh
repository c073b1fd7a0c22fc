#!/usr/bin/env bash
# Imaging codec speed, whole process, release build.
#
#   scripts/bench-imaging.sh LIGHTBOX_BINARY [IMAGES] [SIZE] [ROUNDS]
#   CODECS="jpll rle" scripts/bench-imaging.sh …   (a subset; default: every codec below)
#
# Builds a synthetic CT study (`lightbox synth`, IMAGES slices of SIZE², 16-bit signed, default
# 200 × 512²), encodes it with tools Lightbox did not write, and times decoding the folder:
#   jpll   JPEG Lossless SV1 (.70)        dcmcjpeg +e1
#   jpeg   JPEG Baseline (.50, 8-bit)     dcmcjpeg +eb +Wm
#   rle    RLE Lossless (.5)              dcmcrle
#   jls    JPEG-LS Lossless (.80)         dcmcjpls
#   j2k    JPEG 2000 Lossless (.90)       pydicom + pylibjpeg-openjpeg (OpenJPEG)
#   j2kl   JPEG 2000 (.91, ratio 20)      pydicom + pylibjpeg-openjpeg
#   htj2k  HTJ2K Lossless (.201, LRCP)    OpenJPH ojph_compress -reversible true, wrapped by pydicom
#   htj2kr HTJ2K Lossless RPCL (.202)     OpenJPH ojph_compress -reversible true (RPCL)
#   htj2kl HTJ2K (.203, irreversible)     OpenJPH ojph_compress -reversible false -qstep 0.001
#
# What each side does (wall clock, whole process; scripts/paired.py runs the commands alternately,
# A B C D A B C D …, ROUNDS rounds (default 5), each after removing the previous output and a
# `sync`; the table gives median seconds and the median of the per-round ratios):
#   lightbox   one process for the folder: `lightbox transcode DIR OUT --syntax explicit-le` reads,
#              decodes (CharLS, OpenJPEG for JPEG 2000, OpenJPH for HTJ2K, libjpeg-turbo, or Swift)
#              and WRITES every file as Explicit VR Little Endian, files in parallel on every core
#              (one OpenJPEG thread per file; a single file gets opj_codec_set_threads with one
#              thread per core; OpenJPH uses one thread per frame).
#   dcmtk      `dcmdjpeg`/`dcmdrle`/`dcmdjpls`, one process per file, on every core
#              (`xargs -P$(nproc)`), reading and writing files; DCMTK 3.6.7 has no JPEG 2000
#              decoder, so those rows say n/a.
#   pydicom    one Python process, `dcmread(f).pixel_array` per file, decoded into memory only (no
#              output written); one core, except that GDCM lets OpenJPEG use every core for J2K
#              (user time exceeds the wall time there). Two columns:
#              - "pydicom": the plugin pydicom 3 picks by default (printed in brackets). With
#                python-gdcm installed that is GDCM (its bundled CharLS for JPEG-LS, OpenJPEG for
#                J2K, IJG for JPEG); HTJ2K and RLE go to pylibjpeg.
#              - "pydicom+pylibjpeg": `decoding_plugin="pylibjpeg"` (pylibjpeg-libjpeg, i.e. Thomas
#                Richter's libjpeg, for JPEG and JPEG-LS; pylibjpeg-openjpeg for J2K and HTJ2K;
#                pylibjpeg-rle), the configuration issue 3 names.
# Lightbox's JPEG-LS and J2K time is almost all inside the same libraries pydicom's default path
# uses (CharLS, OpenJPEG), so against that column the ratio is bounded by the number of cores.
# JPEG 2000 Part 1 (.90/.91) against pydicom + pylibjpeg: both run OpenJPEG, and about 88% of
# the time is OpenJPEG's T1 (code-block) decoder, so the target there is ≥ 2× on 2 cores.
# HTJ2K is the exception: Lightbox decodes it with OpenJPH (OpenJPEG only as the fallback), which
# is faster than the OpenJPEG inside pylibjpeg-openjpeg, so there the ratio can exceed the cores.
set -euo pipefail
lightbox=${1:?usage: bench-imaging.sh LIGHTBOX_BINARY [IMAGES] [SIZE]}
images=${2:-200}
size=${3:-512}
rounds=${4:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
cores=$(nproc)
python="$root/.build/venv/bin/python"
codecs=${CODECS:-jpll jpeg rle jls j2k j2kl htj2k htj2kr htj2kl}
for tool in dcmcjpeg dcmdjpeg dcmcrle dcmdrle dcmcjpls dcmdjpls ojph_compress; do
  command -v "$tool" >/dev/null || { echo "bench-imaging: $tool not found (scripts/install-deps.sh installs dcmtk, openjph-tools)" >&2; exit 2; }
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
ls "$work/native" | xargs -P"$cores" -I{} sh -c "
  dcmcjpeg +e1 '$work/native/{}' '$work/jpll/{}' &&
  dcmcjpeg +eb +Wm '$work/native/{}' '$work/jpeg/{}' &&
  dcmcrle '$work/native/{}' '$work/rle/{}' &&
  dcmcjpls '$work/native/{}' '$work/jls/{}'"

# JPEG 2000 through pydicom's pylibjpeg-openjpeg encoder, HTJ2K through OpenJPH (OpenJPEG 2.5
# cannot encode HTJ2K), both as single-fragment encapsulated pixel data written by pydicom.
cat > "$work/make_j2k.py" <<'EOF'
import os, subprocess, sys, tempfile, warnings
import pydicom
from pydicom.encaps import encapsulate
from pydicom.uid import JPEG2000Lossless, JPEG2000, HTJ2KLossless, HTJ2KLosslessRPCL, HTJ2K
warnings.simplefilter("ignore")
src, root, kinds = sys.argv[1], sys.argv[2], sys.argv[3:]
tmp = tempfile.mkdtemp()
for k in kinds:
    os.makedirs(os.path.join(root, k), exist_ok=True)
for name in sorted(os.listdir(src)):
    for k in kinds:
        ds = pydicom.dcmread(os.path.join(src, name))
        if k == "j2k":
            ds.compress(JPEG2000Lossless, encoding_plugin="pylibjpeg")
        elif k == "j2kl":
            ds.compress(JPEG2000, j2k_cr=[20], encoding_plugin="pylibjpeg")
        else:
            arr = ds.pixel_array
            raw, j2c = os.path.join(tmp, "f.yuv"), os.path.join(tmp, "f.j2c")
            arr.astype(arr.dtype.newbyteorder("<")).tofile(raw)
            args = ["ojph_compress", "-i", raw, "-o", j2c, "-dims", "{%d,%d}" % (ds.Columns, ds.Rows),
                    "-num_comps", "1", "-signed", "true" if ds.PixelRepresentation else "false",
                    "-bit_depth", str(ds.BitsStored), "-downsamp", "{1,1}"]
            args += {"htj2k": ["-reversible", "true", "-prog_order", "LRCP"], "htj2kr": ["-reversible", "true"],
                     "htj2kl": ["-reversible", "false", "-qstep", "0.001"]}[k]
            subprocess.run(args, check=True, capture_output=True)
            ds.PixelData = encapsulate([open(j2c, "rb").read()])
            ds["PixelData"].VR = "OB"
            ds.file_meta.TransferSyntaxUID = {"htj2k": HTJ2KLossless, "htj2kr": HTJ2KLosslessRPCL, "htj2kl": HTJ2K}[k]
            if k == "htj2kl":
                ds.LossyImageCompression = "01"
        ds.save_as(os.path.join(root, k, name), enforce_file_format=True)
EOF
j2kinds=()
for codec in $codecs; do case $codec in j2k|j2kl|htj2k|htj2kr|htj2kl) j2kinds+=("$codec");; esac; done
if ((${#j2kinds[@]})); then
  echo "bench-imaging: encoding ${j2kinds[*]} with pylibjpeg-openjpeg / OpenJPH" >&2
  "$python" "$work/make_j2k.py" "$work/native" "$work" "${j2kinds[@]}"
fi

cat > "$work/pydicom_all.py" <<'EOF'
import os, sys, warnings
import pydicom
from pydicom.pixels.decoders.base import get_decoder
warnings.simplefilter("ignore")
d, plugin = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
names = sorted(os.listdir(d))
if os.environ.get("SHOW_PLUGIN"):
    # pydicom uses the first available plugin in its registration order.
    ds = pydicom.dcmread(os.path.join(d, names[0]))
    print(plugin or next(iter(get_decoder(ds.file_meta.TransferSyntaxUID).available_plugins)))
    sys.exit(0)
total = 0
for name in names:
    ds = pydicom.dcmread(os.path.join(d, name))
    if plugin:
        ds.pixel_array_options(decoding_plugin=plugin)
    total += ds.pixel_array.size
print(total)
EOF

rows=()
for codec in $codecs; do
  case $codec in
    jpll) dcmtk=dcmdjpeg; label="JPEG Lossless SV1 (.70)";;
    jpeg) dcmtk=dcmdjpeg; label="JPEG Baseline (.50)";;
    rle)  dcmtk=dcmdrle;  label="RLE Lossless (.5)";;
    jls)  dcmtk=dcmdjpls; label="JPEG-LS Lossless (.80)";;
    j2k)  dcmtk="";       label="JPEG 2000 Lossless (.90)";;
    j2kl) dcmtk="";       label="JPEG 2000 (.91)";;
    htj2k)  dcmtk="";     label="HTJ2K Lossless (.201)";;
    htj2kr) dcmtk="";     label="HTJ2K Lossless RPCL (.202)";;
    htj2kl) dcmtk="";     label="HTJ2K (.203)";;
    *) echo "bench-imaging: unknown codec $codec" >&2; exit 2;;
  esac
  in="$work/$codec"
  plugin=$(SHOW_PLUGIN=1 "$python" "$work/pydicom_all.py" "$in")
  cmds=(-n lightbox -p "rm -rf $work/out-lb && sync" "$lightbox transcode $in $work/out-lb --syntax explicit-le")
  if [ -n "$dcmtk" ]; then
    cmds+=(-n dcmtk -p "rm -rf $work/out-dt && mkdir $work/out-dt && sync" "ls $in | xargs -P$cores -I{} $dcmtk $in/{} $work/out-dt/{}")
  fi
  cmds+=(-n pydicom "$python $work/pydicom_all.py $in" -n pydicom-pylibjpeg "$python $work/pydicom_all.py $in pylibjpeg")
  echo "bench-imaging: $label" >&2
  python3 "$root/scripts/paired.py" run --rounds "$rounds" --prepare sync --json "$work/$codec.json" "${cmds[@]}"
  rows+=("$codec|$label [$plugin]")
done

# Which OpenJPEG each side runs: the one pylibjpeg-openjpeg is built with, and the system one
# Lightbox links.
ojpeg=$("$python" -c '
import ctypes, glob, importlib.metadata as m, os, openjpeg
so = glob.glob(os.path.join(os.path.dirname(os.path.dirname(openjpeg.__file__)), "_openjpeg*.so"))[0]
f = ctypes.CDLL(so).opj_version; f.restype = ctypes.c_char_p
print(m.version("pylibjpeg-openjpeg"), "(OpenJPEG " + f().decode() + ")")' 2>/dev/null || echo "?")
sysojpeg=$(python3 -c '
import ctypes; f = ctypes.CDLL("libopenjp2.so.7").opj_version; f.restype = ctypes.c_char_p; print(f().decode())' 2>/dev/null || echo "?")
python3 - "$work" "$i" "$size" "$cores" "$rounds" "$ojpeg" "$sysojpeg" "${rows[@]}" <<'EOF'
import json, sys
work, count, size, cores, rounds, ojpeg, sysojpeg = sys.argv[1:8]
print(f"""{count} × {size}² CT frames (16-bit signed), whole process, {cores} cores. Median seconds of {rounds} paired,
alternating rounds (every command once per round, each run after removing the previous output and
a `sync`); each ratio is the median of the per-round ratios, > 1 when Lightbox is faster.
- lightbox: `lightbox transcode DIR OUT --syntax explicit-le`, one process, files decoded and written
  as Explicit VR LE in parallel on all {cores} cores.
- dcmtk: `dcmdjpeg` / `dcmdrle` / `dcmdjpls IN OUT`, one process per file (they take one file per
  process), `xargs -P{cores}` so all {cores} cores work; DCMTK 3.6.7 has no JPEG 2000 or HTJ2K decoder (n/a).
- pydicom: pydicom 3 `dcmread(f).pixel_array` for every file in one process, into memory (nothing
  written), with the plugin it picks by default [in brackets]; one core, except GDCM's OpenJPEG,
  which threads.
- pydicom+pylibjpeg: the same with `decoding_plugin="pylibjpeg"` (pylibjpeg-libjpeg for JPEG and
  JPEG-LS, pylibjpeg-openjpeg {ojpeg} for JPEG 2000 and HTJ2K, pylibjpeg-rle), one core.

| codec | lightbox s | dcmtk s (xargs -P{cores}) | pydicom s | pydicom+pylibjpeg s | dcmtk / lightbox | pydicom / lightbox | pydicom+pylibjpeg / lightbox |
|---|---:|---:|---:|---:|---:|---:|---:|""")
j2k = {}
for row in sys.argv[8:]:
    key, label = row.split("|", 1)
    res = {r["name"]: r for r in json.load(open(f"{work}/{key}.json"))["results"]}
    lb, py, pl = res["lightbox"], res["pydicom"], res["pydicom-pylibjpeg"]
    dt = res.get("dcmtk")
    dts, dtr = (f"{dt['median']:.2f}", f"{dt['ratio']['median']:.2f}×") if dt else ("n/a", "n/a")
    print(f"| {label} | {lb['median']:.2f} | {dts} | {py['median']:.2f} | {pl['median']:.2f} | {dtr} | {py['ratio']['median']:.2f}× | {pl['ratio']['median']:.2f}× |")
    if key in ("j2k", "j2kl"):
        j2k[key] = pl["ratio"]["median"]
if j2k:
    got = " and ".join(f"**{v:.2f}×** ({'.90' if k == 'j2k' else '.91'})" for k, v in j2k.items())
    print(f"""
JPEG 2000 Part 1 (.90/.91): Lightbox is {got} as fast as pydicom + pylibjpeg (target ≥ 2×).
Both sides run OpenJPEG (Debian's libopenjp2 {sysojpeg} in Lightbox, the copy built into
pylibjpeg-openjpeg {ojpeg} in pydicom) and about 88% of the time is OpenJPEG's T1 coder (the
code-block entropy decoder), so the ratio is bounded by the cores: Lightbox decodes files in
parallel on all {cores}, pydicom on one.""")
EOF
