#!/usr/bin/env bash
# Reading received media (issue 18), release build, warm cache, every tool on the same ISO image:
# the study burnt once by `lightbox burn --profile STD-GEN-DVD-JPEG --viewer off` (ISO 9660 Level 1, PS3.10
# names, DICOMDIR, IHE PDI README/INDEX/web previews), kept under WORK and remade only when the
# lightbox binary is newer than it.
#   1+2. `lightbox import ISO DEST --no-previews` and `lightbox import ISO DEST` (per-study index.html
#        with a JPEG preview of each series) against `xorriso -osirrox on -indev ISO -extract / DEST`
#        at its defaults (the fastest settings measured: `-osirrox on:sort_lba_on:auto_chmod_on` and
#        a larger `-data_cache_size` were no faster), `-report_about FAILURE` only to keep it quiet.
#        One alternation of four commands (xorriso, import --no-previews, import, xorriso + sync), so
#        both imports are paired with the same xorriso run of each round. Import writes each file
#        under a temporary name and renames it once its batch is on disk (one syncfs per batch of up
#        to 1,000 files, 256 MiB or 1 s); xorriso does not sync: the last command,
#        `xorriso … && sync`, shows what making xorriso's output durable costs (information, not a
#        target).
#   3.   `lightbox check ISO` (the whole medium: every file's header, the DICOMDIR, the profile,
#        IHE PDI, the ISO 9660 names) against dicom3tools' `dciodvfy` of the DICOMDIR alone,
#        extracted from the ISO once beforehand.
# Every run comes after its own clean-up and a `sync`. Timed by scripts/paired.py: rounds of
# alternating runs, the reference tool first, so a ratio is Lightbox's time over the reference's,
# the median of the per-round ratios.
#
#   scripts/bench-import.sh LIGHTBOX STUDY WORK [ROUNDS]   → markdown on stdout
set -euo pipefail
LIGHTBOX=${1:?usage: bench-import.sh LIGHTBOX STUDY WORK [ROUNDS]}
STUDY=${2:?usage: bench-import.sh LIGHTBOX STUDY WORK [ROUNDS]}
W=${3:?usage: bench-import.sh LIGHTBOX STUDY WORK [ROUNDS]}/import-$(basename "$STUDY")
ROUNDS=${4:-5}
PAIRED="python3 $(cd "$(dirname "$0")" && pwd)/paired.py run --rounds $ROUNDS --json"
for t in "$LIGHTBOX" xorriso dciodvfy python3; do
  command -v "$t" >/dev/null || { echo "bench-import: $t not found (make deps; dciodvfy is in dicom3tools)" >&2; exit 2; }
done
mkdir -p "$W"
ISO="$W/study.iso"
if [ ! -f "$W/.complete" ] || [ "$LIGHTBOX" -nt "$ISO" ]; then
  rm -rf "$ISO" "$W/.complete" "$W/burn-work" "$W/DICOMDIR"
  echo "bench-import: burning $STUDY to $ISO (STD-GEN-DVD-JPEG)" >&2
  mkdir -p "$W/burn-work"
  "$LIGHTBOX" burn "$STUDY" -o "$ISO" --profile STD-GEN-DVD-JPEG --viewer off --work-dir "$W/burn-work" --plain-progress >&2
  rm -rf "$W/burn-work"
  [ -f "$ISO" ] || { echo "bench-import: lightbox burn wrote no $ISO (more than one volume?)" >&2; exit 1; }
  xorriso -report_about FAILURE -osirrox on -indev "$ISO" -extract /DICOMDIR "$W/DICOMDIR"
  touch "$W/.complete"
fi
# What the ISO holds (read by xorriso, not by Lightbox).
ALL=$(xorriso -report_about FAILURE -indev "$ISO" -find / -type f 2>/dev/null | wc -l)
FILES=$(xorriso -report_about FAILURE -indev "$ISO" -find /DICOM -type f 2>/dev/null | wc -l)
MB=$(( $(stat -c %s "$ISO") / 1000000 ))
[ "$FILES" -gt 0 ] || { echo "bench-import: no files under /DICOM in $ISO" >&2; exit 1; }
cat "$ISO" > /dev/null  # warm cache for every side
clean() { echo "{ [ ! -e $1 ] || chmod -R u+w $1; } && rm -rf $1 && sync"; }  # xorriso extracts read-only
XORRISO="xorriso -report_about FAILURE -osirrox on -indev $ISO -extract / "

echo "bench-import: 1+2. import of $FILES DICOM files ($ALL files, $MB MB ISO) against xorriso -extract" >&2
$PAIRED "$W/import.json" \
  -n "xorriso" -p "$(clean "$W/x")" "$XORRISO $W/x" \
  -n "import --no-previews" -p "$(clean "$W/np")" "$LIGHTBOX import $ISO $W/np --no-previews > /dev/null" \
  -n "import" -p "$(clean "$W/pv")" "$LIGHTBOX import $ISO $W/pv > /dev/null" \
  -n "xorriso + sync" -p "$(clean "$W/xs")" "$XORRISO $W/xs && sync"
# The last round's outputs: the same bytes in every DICOM file (import copies byte for byte), and
# the previews written.
cat > "$W/same.py" <<'EOF'
import hashlib, os, sys
def digests(root, keep):
    out = []
    for d, _, names in os.walk(root):
        for n in names:
            if keep(os.path.relpath(os.path.join(d, n), root), n):
                out.append(hashlib.sha256(open(os.path.join(d, n), "rb").read()).hexdigest())
    return sorted(out)
x = digests(sys.argv[1], lambda rel, n: rel.startswith("DICOM" + os.sep))
for dest in sys.argv[2:]:
    d = digests(dest, lambda rel, n: n.endswith(".dcm"))
    if d != x:
        sys.exit(f"bench-import: {dest} holds {len(d)} .dcm files, xorriso extracted {len(x)}; "
                 f"{len(set(d) & set(x))} byte-identical")
print(len(x))
EOF
SAME=$(python3 "$W/same.py" "$W/x" "$W/np" "$W/pv")
[ "$SAME" -eq "$FILES" ] || { echo "bench-import: $SAME files compared, $FILES on the ISO" >&2; exit 1; }
PREVIEWS=$(find "$W/pv" -path '*/previews/*' -type f | wc -l)
NP_PREVIEWS=$(find "$W/np" -path '*/previews/*' -type f | wc -l)
for d in x np pv xs; do eval "$(clean "$W/$d")"; done

echo "bench-import: 3. lightbox check of the ISO against dciodvfy of its DICOMDIR" >&2
# Once, untimed: what each says. dciodvfy exits 1 on any warning or error; the timed run accepts
# exactly the status it had here.
set +e
"$LIGHTBOX" check "$ISO" > "$W/check.txt" 2>&1; CHECK_RC=$?
dciodvfy "$W/DICOMDIR" > "$W/dciodvfy.txt" 2>&1; DV_RC=$?
set -e
[ "$CHECK_RC" -le 1 ] || { echo "bench-import: lightbox check could not read $ISO:" >&2; cat "$W/check.txt" >&2; exit 1; }
grep -q '^BasicDirectory' "$W/dciodvfy.txt" && ! grep -q '^Abort' "$W/dciodvfy.txt" \
  || { echo "bench-import: dciodvfy did not check $W/DICOMDIR:" >&2; head -n 5 "$W/dciodvfy.txt" >&2; exit 1; }
$PAIRED "$W/check.json" \
  -n "dciodvfy" -p "sync" "dciodvfy $W/DICOMDIR > /dev/null 2>&1 || [ \$? -eq $DV_RC ]" \
  -n "check" -p "sync" "$LIGHTBOX check $ISO > /dev/null 2>&1 || [ \$? -eq $CHECK_RC ]"
DV_ERRORS=$(grep -c '^Error' "$W/dciodvfy.txt" || true)
DV_WARNINGS=$(grep -c '^Warning' "$W/dciodvfy.txt" || true)
CHECK_SAYS=$(grep -v '^[[:space:]]*$' "$W/check.txt" | tail -n 1)
DIRKB=$(( $(stat -c %s "$W/DICOMDIR") / 1000 ))

python3 - "$W" "$FILES" "$ALL" "$MB" "$PREVIEWS" "$NP_PREVIEWS" "$CHECK_RC" "$CHECK_SAYS" "$DV_RC" "$DV_ERRORS" "$DV_WARNINGS" "$DIRKB" "$(xorriso -version 2>/dev/null | head -n 1)" <<'EOF'
import json, re, statistics, sys
w, files, all_files, mb, previews, np_previews, check_rc, check_says, dv_rc, dv_errors, dv_warnings, dirkb, xorriso = sys.argv[1:14]
def load(n):
    d = json.load(open(f"{w}/{n}.json"))
    return d["rounds"], {r["name"]: r for r in d["results"]}
def row(label, r):
    return f"| {label} | {r['median']:.2f} | {r['min']:.2f} | {r['ratio']['median']:.2f} |"
def per_pair(a, b):  # median over rounds of a_i / b_i
    return statistics.median(x / y for x, y in zip(a["times"], b["times"]))
def verdict(ratio, target):
    return f"**{ratio:.2f}×** (target ≤ {target}×: {'met' if ratio <= target else 'missed'})"
rounds, imp = load("import"); _, chk = load("check")
x, np_, pv, xs = imp["xorriso"], imp["import --no-previews"], imp["import"], imp["xorriso + sync"]
dv, ck = chk["dciodvfy"], chk["check"]
errors = sorted({l.strip() for l in open(f"{w}/dciodvfy.txt", errors="replace") if l.startswith("Error")})
dv_detail = ""
if errors:
    dv_detail = " Its errors: " + "; ".join(f"`{e}`" for e in errors[:3]) + "."
    # dciodvfy splits a value at every byte 0x5C, which is also the second byte of some GB18030
    # characters; DCMTK and Lightbox read such a name as one value.
    raw = open(f"{w}/DICOMDIR", "rb").read()
    if any("Value Multiplicity" in e for e in errors) and b"GB18030" in raw and re.search(rb"[\x81-\xfe]\x5c", raw):
        dv_detail += (" The multiplicity errors are dciodvfy's: it splits a GB18030 name at a byte 0x5C,"
                      " the second byte of some Chinese characters, where DCMTK's dcmdump reads one value.")
print(f"""## Reading received media (issue 18)

The study burnt once by `lightbox burn --profile STD-GEN-DVD-JPEG`: an ISO 9660 Level 1 image of {mb} MB
holding {files} DICOM files under PS3.10 names, the DICOMDIR and the IHE PDI web content ({all_files} files in
all). Medians of {rounds} paired, alternating rounds, each run after deleting its output folder and a
`sync`; a ratio is Lightbox's time over the reference tool's, the median of the per-round ratios.

Import: `lightbox import ISO DEST` reads the image through libcdio, follows the DICOMDIR, reads each
file's header, copies it byte for byte into DEST/patient/study/series/ (each file under a temporary
name; a batch of up to 1,000 files, 256 MiB or one second is flushed with one `syncfs`, then renamed,
and each folder fsynced), keeps DEST's index and writes the index.html pages; `--no-previews`
leaves out the JPEG previews, the default renders one per series ({previews} written; {np_previews} without).
The reference is {xorriso}, `xorriso -osirrox on -indev ISO -extract / DEST` at its defaults (with
`-report_about FAILURE`): the fastest settings measured, `-osirrox on:sort_lba_on:auto_chmod_on`
and a larger `-data_cache_size` being no faster. xorriso does not sync; the last row syncs once after
it, for comparison with Lightbox's durable writes (not a target). All four commands run in one
alternation, so both imports are paired with the same xorriso run of a round. Each import's
{files} files are byte-identical to xorriso's (checked after the last round).

| Command | Seconds (median) | Seconds (min) | Ratio to xorriso -extract |
|---|---|---|---|""")
print(row("xorriso -osirrox on -extract / DEST", x))
print(row("lightbox import --no-previews", np_))
print(row("lightbox import (previews)", pv))
print(row("xorriso -osirrox on -extract / DEST && sync", xs))
print(f"""
Previews off, Lightbox takes {verdict(np_['ratio']['median'], 1.5)} the time of xorriso's extraction;
previews on, {verdict(pv['ratio']['median'], 3)}. Against xorriso followed by one `sync`,
{per_pair(np_, xs):.2f}× and {per_pair(pv, xs):.2f}×.

Check: `lightbox check ISO` reads the whole medium through libcdio: the ISO 9660 names and volume
identifier, the DICOMDIR (records, offsets, keys), every file's header against its record, the
application profile and the IHE PDI content (exit status {check_rc}; it says: "{check_says}").
dicom3tools' `dciodvfy DICOMDIR` reads only the DICOMDIR ({dirkb} kB, extracted from the ISO once
beforehand) and checks it against the Basic Directory IOD; it exits {dv_rc}, with {dv_errors} error and
{dv_warnings} warning lines.{dv_detail} `check` does much more work than dciodvfy: the target compares it
with dciodvfy on the DICOMDIR alone.

| Command | Seconds (median) | Seconds (min) | Ratio to dciodvfy |
|---|---|---|---|""")
print(row("dciodvfy DICOMDIR", dv))
print(row("lightbox check ISO", ck))
print(f"""
Lightbox's check of the whole medium takes {verdict(ck['ratio']['median'], 1.0)} the time of dciodvfy on
the DICOMDIR alone.""")
EOF
