#!/usr/bin/env bash
# Query/retrieve from a PACS (issue 16): Lightbox against the DCMTK tools, both sides against the
# same Orthanc (Debian's 1.10.1), started here once with a generated configuration (temporary
# storage and index folders, its own ports, "RemoteAccessAllowed": false, "Plugins": [],
# "DicomAlwaysAllowFind/Get/Move": true, "StorageCompression": false, "MaximumPduLength": 131072,
# every other setting its default) and loaded once by storescu with STUDY (C-GET, C-MOVE) and
# MATCHES small single-series images (C-FIND). TCP_NODELAY=1 for every DCMTK process, Orthanc
# included (it is built on DCMTK's network layer): DCMTK 3.6.7 leaves Nagle on otherwise.
#   C-GET   `lightbox retrieve --get --max-pdu 131072` (which first asks SOP Classes in Study by a
#           C-FIND on an association of its own) against `getscu -S -pdu 131072 +B` (+B: each object
#           received straight to disk, bit-preserving; 131072 is getscu's largest PDU; faster here
#           than -B and than its default 16 KiB PDU).
#   C-MOVE  `lightbox retrieve --move-to LIGHTBOX --store-port N` (its own storage SCP, started for
#           the duration) against `movescu -S -aem STORESCP` with a running `storescp +B -pdu 131072`
#           as the destination. `movescu +P` receiving itself is DCMTK's other way, but it was ~6×
#           slower when this was written (200 files: 1.25 s against 0.2 s, ~5 ms more per object) and
#           with +B it ignores -od, writing into the current folder: storescp is DCMTK's best.
#   C-FIND  `lightbox find --level image -k StudyInstanceUID=UID` (its default IMAGE keys: Study,
#           Series Instance UID, Instance Number, SOP Class UID, SOP Instance UID), table to
#           /dev/null, against `findscu -S` with the same five keys, whose default output is a dump of
#           every response (to stderr) sent to /dev/null: both decode and print every match.
# Both sides write every file to disk and neither syncs; each run comes after deleting its folder and
# a `sync`. Timed by scripts/paired.py: rounds of alternating runs, DCMTK first (the reference), so
# a ratio is Lightbox's time over the DCMTK tool's, the median of the per-round ratios.
#
#   scripts/bench-qr.sh LIGHTBOX STUDY WORK [ROUNDS] [MATCHES]   → markdown on stdout
set -euo pipefail
LIGHTBOX=${1:?usage: bench-qr.sh LIGHTBOX STUDY WORK [ROUNDS] [MATCHES]}
STUDY=${2:?}
W=${3:?}/qr
ROUNDS=${4:-5}
MATCHES=${5:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PAIRED="python3 $ROOT/scripts/paired.py run --rounds $ROUNDS --json"
PDU=131072
for t in Orthanc storescu storescp getscu movescu findscu dcmdump python3; do
  command -v "$t" >/dev/null || { echo "bench-qr: $t not found (make deps)" >&2; exit 2; }
done
export TCP_NODELAY=1
mkdir -p "$W"
# The C-FIND data (kept between runs): MATCHES 16×16 CT images in one series, their own seed (UIDs
# differ from STUDY's).
FIND="$W/find-$MATCHES"
if [ ! -f "$FIND/.complete" ]; then
  rm -rf "$FIND"
  "$LIGHTBOX" synth "$FIND" --images "$MATCHES" --size 16 --seed 16 --charset ascii >/dev/null
  touch "$FIND/.complete"
fi
RUN=$(mktemp -d "$W/run.XXXXXX")
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [ "$rc" -eq 0 ] || { echo "bench-qr: failed; the end of Orthanc's log:" >&2; tail -n 15 "$RUN/orthanc.log" >&2 2>/dev/null || true; }
  rm -rf "$RUN"
}
trap cleanup EXIT
BENCH_NAME=bench-qr
source "$(dirname "$0")/bench-lib.sh"
uid() { dcmdump -q +P "$1" "$2" | sed -n 's/.*\[\([0-9.]*\)\].*/\1/p' | head -n 1; }

P_DICOM=$(free_port); P_HTTP=$(free_port); P_SCP=$(free_port); P_LB=$(free_port)
mkdir -p "$RUN/storage" "$RUN/index"
python3 - "$RUN" "$P_DICOM" "$P_HTTP" "$P_SCP" "$P_LB" "$PDU" > "$RUN/orthanc.json" <<'EOF'
import json, sys
run, dicom, http, scp, lb, pdu = sys.argv[1], *map(int, sys.argv[2:])
print(json.dumps({
    "Name": "bench-qr", "StorageDirectory": f"{run}/storage", "IndexDirectory": f"{run}/index",
    "StorageCompression": False, "DicomAet": "ORTHANC", "DicomPort": dicom, "HttpPort": http,
    "RemoteAccessAllowed": False, "AuthenticationEnabled": False, "Plugins": [],
    "DicomAlwaysAllowEcho": True, "DicomAlwaysAllowStore": True, "DicomAlwaysAllowFind": True,
    "DicomAlwaysAllowGet": True, "DicomAlwaysAllowMove": True, "MaximumPduLength": pdu,
    "DicomModalities": {"storescp": ["STORESCP", "127.0.0.1", scp], "lightbox": ["LIGHTBOX", "127.0.0.1", lb]},
}, indent=1))
EOF
Orthanc "$RUN/orthanc.json" >"$RUN/orthanc.log" 2>&1 & pids+=($!)
wait_port "$P_DICOM"; wait_port "$P_HTTP"
mkdir -p "$RUN/move-dcmtk"
storescp +B -pdu "$PDU" -aet STORESCP -od "$RUN/move-dcmtk" "$P_SCP" >"$RUN/storescp.log" 2>&1 & pids+=($!)
wait_port "$P_SCP"

FILES=$(find "$STUDY" -type f -name '*.dcm' | wc -l)
MB=$(( $(du -sb --exclude=.complete "$STUDY" | cut -f1) / 1000000 ))
echo "bench-qr: loading Orthanc with $FILES + $MATCHES files (storescu, one association each)" >&2
t0=$(date +%s.%N)
storescu -aec ORTHANC +sd +r +sp '*.dcm' 127.0.0.1 "$P_DICOM" "$STUDY"
storescu -aec ORTHANC +sd +r +sp '*.dcm' 127.0.0.1 "$P_DICOM" "$FIND"
sync
LOAD=$(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.0f}')" "$t0")
HELD=$(python3 -c "import json, sys, urllib.request; print(json.load(urllib.request.urlopen(f'http://127.0.0.1:{sys.argv[1]}/statistics'))['CountInstances'])" "$P_HTTP")
[ "$HELD" -eq $((FILES + MATCHES)) ] || { echo "bench-qr: Orthanc holds $HELD instances, not $((FILES + MATCHES))" >&2; exit 1; }
SUID=$(uid 0020,000d "$(find "$STUDY" -type f -name '*.dcm' | head -n 1)")
FUID=$(uid 0020,000d "$(find "$FIND" -type f -name '*.dcm' | head -n 1)")
[ -n "$SUID" ] && [ -n "$FUID" ] || { echo "bench-qr: no Study Instance UID" >&2; exit 1; }
PEER="127.0.0.1 $P_DICOM"

echo "bench-qr: C-GET of $FILES files ($MB MB): getscu vs lightbox retrieve --get" >&2
$PAIRED "$RUN/get.json" \
  -n "getscu" -p "rm -rf $RUN/get-dcmtk && mkdir $RUN/get-dcmtk && sync" \
     "getscu -S -aet GETSCU -aec ORTHANC -pdu $PDU +B -od $RUN/get-dcmtk -k QueryRetrieveLevel=STUDY -k StudyInstanceUID=$SUID $PEER" \
  -n "lightbox" -p "rm -rf $RUN/get-lb && sync" \
     "$LIGHTBOX retrieve $PEER $RUN/get-lb --call ORTHANC --aet LIGHTBOX --max-pdu $PDU --get --study $SUID -q"

echo "bench-qr: C-MOVE of $FILES files: movescu -> storescp +B vs lightbox retrieve --move-to" >&2
$PAIRED "$RUN/move.json" \
  -n "movescu + storescp" -p "find $RUN/move-dcmtk -type f -delete && sync" \
     "movescu -S -aet MOVESCU -aec ORTHANC -aem STORESCP -k QueryRetrieveLevel=STUDY -k StudyInstanceUID=$SUID $PEER" \
  -n "lightbox" -p "rm -rf $RUN/move-lb && sync" \
     "$LIGHTBOX retrieve $PEER $RUN/move-lb --call ORTHANC --aet LIGHTBOX --max-pdu $PDU --move-to LIGHTBOX --store-port $P_LB --study $SUID -q"

# The same data sets (the bytes after the file meta information) in every retrieved file.
cat > "$RUN/same.py" <<'EOF'
import os, struct, sys
def dataset(path):
    b = open(path, "rb").read()
    assert b[128:132] == b"DICM" and b[132:136] == b"\x02\x00\x00\x00", path
    return b[144 + struct.unpack("<I", b[140:144])[0]:]
def by_uid(folder, prefix=""):  # SOP Instance UID -> path
    out = {}
    for n in os.listdir(folder):
        if n.startswith(".") or not n[len(prefix):len(prefix) + 1].isdigit():
            continue
        out[n[len(prefix):].removesuffix(".dcm")] = os.path.join(folder, n)
    return out
a, b = by_uid(sys.argv[1], sys.argv[2]), by_uid(sys.argv[3])
same = sum(1 for u in a.keys() & b.keys() if dataset(a[u]) == dataset(b[u]))
print(f"{len(a)} {len(b)} {same}")
EOF
read -r GET_DT GET_LB GET_SAME < <(python3 "$RUN/same.py" "$RUN/get-dcmtk" "" "$RUN/get-lb")
read -r MOVE_DT MOVE_LB MOVE_SAME < <(python3 "$RUN/same.py" "$RUN/move-dcmtk" "CT." "$RUN/move-lb")
for n in "$GET_DT" "$GET_LB" "$MOVE_DT" "$MOVE_LB"; do
  [ "$n" -eq "$FILES" ] || { echo "bench-qr: retrieved $GET_DT/$GET_LB (C-GET getscu/lightbox), $MOVE_DT/$MOVE_LB (C-MOVE storescp/lightbox) of $FILES files" >&2; exit 1; }
done
rm -rf "$RUN/get-dcmtk" "$RUN/get-lb" "$RUN/move-lb"; find "$RUN/move-dcmtk" -type f -delete

echo "bench-qr: C-FIND of $MATCHES IMAGE-level matches: findscu vs lightbox find" >&2
KEYS="-k SeriesInstanceUID -k InstanceNumber -k SOPClassUID -k SOPInstanceUID"
FINDSCU="findscu -S -aet FINDSCU -aec ORTHANC -pdu $PDU -k QueryRetrieveLevel=IMAGE -k StudyInstanceUID=$FUID $KEYS $PEER"
LBFIND="$LIGHTBOX find $PEER --call ORTHANC --aet LIGHTBOX --max-pdu $PDU --level image -k StudyInstanceUID=$FUID"
$PAIRED "$RUN/find.json" \
  -n "findscu" "$FINDSCU 2>/dev/null" \
  -n "lightbox" "$LBFIND >/dev/null"
# Once more, untimed, to count the matches each printed.
$FINDSCU 2>"$RUN/findscu.txt"
$LBFIND >"$RUN/lightbox-find.txt" 2>"$RUN/lightbox-find.err"
FOUND_DT=$(grep -c '^I: Find Response: .*(Pending)' "$RUN/findscu.txt" || true)
FOUND_LB=$(( $(wc -l < "$RUN/lightbox-find.txt") - 1 ))
[ "$FOUND_DT" -eq "$MATCHES" ] && [ "$FOUND_LB" -eq "$MATCHES" ] \
  || { echo "bench-qr: findscu printed $FOUND_DT and lightbox $FOUND_LB of $MATCHES matches ($(cat "$RUN/lightbox-find.err"))" >&2; exit 1; }

python3 - "$RUN" "$FILES" "$MB" "$MATCHES" "$LOAD" "$GET_SAME" "$MOVE_SAME" "$PDU" "$(Orthanc --version | head -n 1)" <<'EOF'
import json, sys
run, files, mb, matches, load, get_same, move_same, pdu, orthanc = sys.argv[1:10]
def load_json(n):
    d = json.load(open(f"{run}/{n}.json"))
    return d["rounds"], {r["name"]: r for r in d["results"]}
rounds, get = load_json("get"); _, move = load_json("move"); _, find = load_json("find")
def row(label, r):
    return f"| {label} | {r['median']:.3f} | {r['min']:.3f} | {r['ratio']['median']:.2f} |"
print(f"""## Query/retrieve from a PACS (issue 16)

Both sides against the same {orthanc} on loopback, started once for these rows with a generated
configuration (temporary storage and index folders, `"StorageCompression": false`,
`"MaximumPduLength": {pdu}`, `"DicomAlwaysAllowFind/Get/Move": true`, no plugins, every other setting its
default, e.g. `"StorageAccessOnFind": "Always"`) and loaded by `storescu` with the {files}-file study
({mb} MB) and {matches} small images of one series ({load} s, not timed). `TCP_NODELAY=1` for every DCMTK
process, Orthanc included. Both sides write every file to disk and neither syncs. Medians of
{rounds} paired, alternating rounds (DCMTK, Lightbox, DCMTK, …), each run after deleting its output
folder and a `sync`; the ratio is Lightbox's time over the DCMTK tool's, the median of the per-round
ratios.

C-GET of the study: DCMTK `getscu -S -pdu {pdu} +B` (Study Root, `+B`: each object received straight to
disk, bit-preserving; {pdu} is getscu's largest PDU) against `lightbox retrieve --get --max-pdu {pdu}`
(each object to a hidden name, renamed when complete, a line in receipts.log; its time includes the
STUDY-level C-FIND, on an association of its own, that asks SOP Classes in Study so that the C-GET
proposes those storage classes; getscu proposes a fixed list). C-MOVE of the study:
`movescu -S -aem STORESCP` with a running `storescp +B -pdu {pdu}` as the destination, against
`lightbox retrieve --move-to LIGHTBOX --store-port N`, which starts its own storage SCP for the
duration (inside the timed run). DCMTK's other way, `movescu +P` receiving itself, took about 5 ms
more per object when this bench was set up (~6× storescp's time), and with `+B` it ignores `-od`:
storescp is DCMTK's best. Lightbox's files and DCMTK's hold identical data sets (the bytes after
the file meta information) for {get_same} (C-GET) and {move_same} (C-MOVE) of the {files} instances.

| Command | Seconds (median) | Seconds (min) | Ratio to DCMTK |
|---|---|---|---|""")
print(row(f"getscu -S -pdu {pdu} +B", get["getscu"]))
print(row(f"lightbox retrieve --get --max-pdu {pdu}", get["lightbox"]))
print(row(f"movescu -S → storescp +B -pdu {pdu}", move["movescu + storescp"]))
print(row(f"lightbox retrieve --move-to LIGHTBOX --store-port N", move["lightbox"]))
print(f"""
Lightbox takes **{get['lightbox']['ratio']['median']:.2f}×** the time of getscu and **{move['lightbox']['ratio']['median']:.2f}×** the time of movescu + storescp
(target ≤ 1.05×).

C-FIND of {matches} IMAGE-level matches (one series): `lightbox find --level image -k StudyInstanceUID=UID`
(its default IMAGE keys: Study and Series Instance UID, Instance Number, SOP Class UID, SOP Instance UID;
its table, one line per match as it arrives, to /dev/null) against `findscu -S -pdu {pdu}` with the same
five keys, whose default output, a dump of every response, goes to /dev/null: both decode and print
every match ({matches} counted in each one's output).

| Command | Seconds (median) | Seconds (min) | Ratio to findscu |
|---|---|---|---|""")
print(row(f"findscu -S -pdu {pdu} (responses dumped to /dev/null)", find["findscu"]))
print(row(f"lightbox find --level image --max-pdu {pdu} (table to /dev/null)", find["lightbox"]))
print(f"""
Lightbox takes **{find['lightbox']['ratio']['median']:.2f}×** the time of findscu (target ≤ 1.05×).""")
EOF
