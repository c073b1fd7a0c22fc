#!/usr/bin/env bash
# Film printing (issue 17): `lightbox print-server` against DCMTK's print SCP `dcmprscp` (3.6.7)
# under the same load, and the composer's throughput.
#
# A. CLIENTS concurrent pynetdicom print SCUs (scripts/bench_print_scu.py, one process each,
#    released together) each print FILMS films of STANDARD\3,4 on 14INX17IN, twelve 512×512
#    12-bit image boxes per film, on one association per SCU: one film session, then per film a
#    film box N-CREATE, twelve image box N-SETs and an N-ACTION on the film box (as a modality
#    prints a series of films). Only Basic Grayscale Print Management Meta is proposed, which is
#    what dcmprscp accepts. Each server is started afresh before each run (empty spool / database,
#    a new port), untimed; runs alternate through scripts/paired.py (dcmprscp, lightbox, …).
#    dcmprscp serves one association at a time: the other SCUs wait for their A-ASSOCIATE-AC.
#    A film's wait: its SCU's association request → that film's N-ACTION response.
#    Total: first association request → every SCU released (dcmprscp, which renders nothing) or
#    → every film rendered by Lightbox (queue/ empty, CLIENTS×FILMS jobs done, films counted).
#    TCP_NODELAY=1 for dcmprscp (DCMTK 3.6.7 leaves Nagle on otherwise) and TCP_NODELAY on the
#    SCUs' sockets; dcmprscp's MaxPDU 131072, Lightbox's default 131072. Each SCU parks pynetdicom's
#    association reactor while it sends (pynetdicom 3.0.4 otherwise drops a response now and then
#    under this load: bench_print_scu.py's ReactorGate).
# B. The composer: COMPOSE_FILMS films of 14INX17IN STANDARD\4,5 with twenty 512×512 12-bit images
#    are spooled by `lightbox print-server --no-render` from one SCU; then a print server started
#    under `/usr/bin/time -v` renders the queue it finds (PDF, density PNG at the profile's
#    STANDARD resolution, preview PNG, as for any print): films per hour and peak RSS.
#
#   scripts/bench-print.sh LIGHTBOX WORK [ROUNDS]   → markdown on stdout
#   BENCH_PRINT_CLIENTS=16 BENCH_PRINT_FILMS=10 BENCH_PRINT_COMPOSE_FILMS=20 (defaults)
# Exits 1, after the markdown, when a film is lost or a request failed. At the defaults a round takes
# about 3.5 minutes on 2 cores (Lightbox renders its 160 films one after another, ~165 s), so 3
# rounds and the composer take about 11 minutes.
set -euo pipefail
LIGHTBOX=$(realpath "${1:?usage: bench-print.sh LIGHTBOX WORK [ROUNDS]}")
W=${2:?}/print
ROUNDS=${3:-3}
CLIENTS=${BENCH_PRINT_CLIENTS:-16}
FILMS=${BENCH_PRINT_FILMS:-10}
COMPOSE_FILMS=${BENCH_PRINT_COMPOSE_FILMS:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=$ROOT/.build/venv/bin/python
SCU="$PY $ROOT/scripts/bench_print_scu.py"
for t in dcmprscp pdfinfo python3 "$PY"; do
  command -v "$t" >/dev/null || { echo "bench-print: $t not found (make deps)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench-print: /usr/bin/time not found (GNU time; make deps)" >&2; exit 2; }
"$LIGHTBOX" print-server --help >/dev/null 2>&1 || { echo "bench-print: $LIGHTBOX has no print-server" >&2; exit 2; }
export TCP_NODELAY=1
mkdir -p "$W"
RUN=$(mktemp -d "$W/run.XXXXXX")
BENCH_NAME=bench-print
source "$(dirname "$0")/bench-lib.sh"
stop() {  # stop the server whose pid is in $1 (a file), and wait until it is gone
  [ -f "$1" ] || return 0
  local p; p=$(cat "$1"); rm -f "$1"
  kill "$p" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.05; done
  kill -9 "$p" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop "$RUN/lightbox.pid"; stop "$RUN/dcmprscp.pid"; stop "$RUN/compose.pid"
  if [ "$rc" -ne 0 ]; then
    echo "bench-print: failed; the end of the servers' logs:" >&2
    for l in "$RUN"/*.log; do [ -f "$l" ] && { echo "== $l" >&2; tail -n 15 "$l" >&2; }; done
  fi
  rm -rf "$RUN"
}
trap cleanup EXIT

# (Re)starts one server on a new free port with empty data: the untimed prepare of each run.
cat > "$RUN/serve.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
BENCH_NAME=bench-print
source "$ROOT/scripts/bench-lib.sh"
$(declare -f stop)
name=\$1; shift
stop "$RUN/\$name.pid"
rm -rf "$RUN/\$name-data"; mkdir -p "$RUN/\$name-data"
port=\$(free_port)
case \$name in
  lightbox|compose)
    "$LIGHTBOX" print-server --port "\$port" --aet LIGHTBOX_PRINT --spool "$RUN/\$name-data" "\$@" >>"$RUN/\$name.log" 2>&1 &
    echo \$! > "$RUN/\$name.pid" ;;
  dcmprscp)
    mkdir -p "$RUN/dcmprscp-data/print" "$RUN/dcmprscp-data/db" "$RUN/dcmprscp-data/lut"
    sed "s/@PORT@/\$port/" "$RUN/dcmprscp.cfg.in" > "$RUN/dcmprscp-data/dcmprscp.cfg"
    dcmprscp -c "$RUN/dcmprscp-data/dcmprscp.cfg" -p BENCHPRINTER >>"$RUN/dcmprscp.log" 2>&1 &
    echo \$! > "$RUN/dcmprscp.pid" ;;
esac
echo "\$port" > "$RUN/\$name.port"
wait_port "\$port"
sync
EOF
# dcmprscp: the configuration facts.md gives, every optional setting left at its default (no
# detailed or binary log), the formats and sizes of this bench allowed, 12-bit image boxes.
cat > "$RUN/dcmprscp.cfg.in" <<EOF
[[GENERAL]]
[PRINT]
Directory = $RUN/dcmprscp-data/print
[DATABASE]
Directory = $RUN/dcmprscp-data/db
[LUT]
Directory = $RUN/dcmprscp-data/lut
[NETWORK]
aetitle = DCMPRSCP
[[COMMUNICATION]]
[BENCHPRINTER]
Type = LOCALPRINTER
Aetitle = DCMPRSCP
Description = bench-print
Hostname = localhost
Port = @PORT@
MaxPDU = 131072
DisplayFormat = 1,1\\2,2\\3,4\\4,5
FilmSizeID = 14INX17IN\\8INX10IN
MediumType = BLUE FILM\\CLEAR FILM\\PAPER
MagnificationType = CUBIC\\REPLICATE\\BILINEAR\\NONE
Supports12Bit = true
EOF
SERVE="bash $RUN/serve.sh"
JOBS=$((CLIENTS * FILMS))
PLAN="--clients $CLIENTS --films $FILMS --format STANDARD\\\\3,4 --size 14INX17IN --matrix 512"

echo "bench-print: warm-up (one SCU, one film, each server; untimed)" >&2
$SERVE dcmprscp
$SCU run --port "$(cat "$RUN/dcmprscp.port")" --called DCMPRSCP --clients 1 --films 1 >/dev/null
$SERVE lightbox
$SCU run --port "$(cat "$RUN/lightbox.port")" --called LIGHTBOX_PRINT --clients 1 --films 1 --spool "$RUN/lightbox-data" --jobs 1 >/dev/null

echo "bench-print: $CLIENTS SCUs × $FILMS films (STANDARD\\3,4, 512² 12-bit): dcmprscp vs lightbox print-server, $ROUNDS rounds" >&2
python3 "$ROOT/scripts/paired.py" run --rounds "$ROUNDS" --warmup 0 --metric stdout --json "$RUN/print.json" \
  -n dcmprscp -p "$SERVE dcmprscp" \
     "$SCU run --port \$(cat $RUN/dcmprscp.port) --called DCMPRSCP $PLAN --dcmtk-db $RUN/dcmprscp-data/db --samples $RUN/dcmprscp.jsonl --label dcmprscp" \
  -n lightbox -p "$SERVE lightbox" \
     "$SCU run --port \$(cat $RUN/lightbox.port) --called LIGHTBOX_PRINT $PLAN --spool $RUN/lightbox-data --jobs $JOBS --samples $RUN/lightbox.jsonl --label lightbox"
stop "$RUN/dcmprscp.pid"
# The films of the last Lightbox run, before its spool goes: which jobs' films are missing.
find "$RUN/lightbox-data/films" -type f | sort > "$RUN/lightbox-films.txt"
ls "$RUN/lightbox-data/done" | wc -l > "$RUN/lightbox-done.txt"
stop "$RUN/lightbox.pid"

echo "bench-print: composing $COMPOSE_FILMS films of 14INX17IN STANDARD\\4,5 (twenty 512² 12-bit images)" >&2
$SERVE compose --no-render
$SCU run --port "$(cat "$RUN/compose.port")" --called LIGHTBOX_PRINT --clients 1 --films "$COMPOSE_FILMS" \
  --format 'STANDARD\4,5' --size 14INX17IN --matrix 512 --samples "$RUN/compose-spool.jsonl" --label spool >/dev/null
stop "$RUN/compose.pid"
QUEUED=$(ls "$RUN/compose-data/queue" | wc -l)
[ "$QUEUED" -eq "$COMPOSE_FILMS" ] || { echo "bench-print: $QUEUED of $COMPOSE_FILMS films spooled by --no-render" >&2; exit 1; }
sync
# The same server binary idle (empty spool) for its own peak RSS, then rendering the queue.
mkdir -p "$RUN/idle-data"
P=$(free_port)
/usr/bin/time -v -o "$RUN/idle.time" "$LIGHTBOX" print-server --port "$P" --spool "$RUN/idle-data" >"$RUN/idle.log" 2>&1 &
TPID=$!
wait_port "$P"; sleep 1
kill "$(pgrep -P "$TPID")"; wait "$TPID" || true
P=$(free_port)
/usr/bin/time -v -o "$RUN/compose.time" "$LIGHTBOX" print-server --port "$P" --spool "$RUN/compose-data" >"$RUN/compose.log" 2>&1 &
TPID=$!
COMPOSE_SECONDS=$($SCU wait-spool --spool "$RUN/compose-data" --jobs "$COMPOSE_FILMS" --log "$RUN/compose.log" | sed -n 's/^seconds=//p')
kill "$(pgrep -P "$TPID")"; wait "$TPID" || true
FILM=$(find "$RUN/compose-data/films" -name 'film-1.pdf' | head -n 1)
pdfinfo "$FILM" > "$RUN/compose-pdfinfo.txt"

python3 - "$RUN" "$CLIENTS" "$FILMS" "$COMPOSE_FILMS" "$COMPOSE_SECONDS" "${FILM%.pdf}" \
  "$("$PY" -c 'import pynetdicom, pydicom; print(f"pynetdicom {pynetdicom.__version__} (pydicom {pydicom.__version__})")')" \
  "$(dcmprscp --version | sed -n 's/.*dcmprscp v\([0-9.]*\).*/\1/p' | head -n 1)" <<'EOF'
import glob, json, math, os, re, statistics, struct, sys
run, clients, films, compose_films, compose_seconds, film, scu, dcmtk = sys.argv[1:9]
clients, films, compose_films, compose_seconds = int(clients), int(films), int(compose_films), float(compose_seconds)
expected = clients * films
doc = json.load(open(f"{run}/print.json"))
rounds = doc["rounds"]
total = {r["name"]: r for r in doc["results"]}
runs = {n: [json.loads(l) for l in open(f"{run}/{n}.jsonl")] for n in ("dcmprscp", "lightbox")}

def pct(values, p):  # nearest rank
    v = sorted(values)
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)]

def med(xs):
    return statistics.median(xs)

stats = {n: {"p50": [pct(r["waits"], 50) for r in rs], "p99": [pct(r["waits"], 99) for r in rs],
             "n": [len(r["waits"]) for r in rs]} for n, rs in runs.items()}
p99_ratio = med([a / b for a, b in zip(stats["lightbox"]["p99"], stats["dcmprscp"]["p99"])])
p50_ratio = med([a / b for a, b in zip(stats["lightbox"]["p50"], stats["dcmprscp"]["p50"])])
total_ratio = total["lightbox"]["ratio"]["median"]
scu_lb = med([r["scu_seconds"] for r in runs["lightbox"]])

# Films produced in every run.
lost = []
for i, r in enumerate(runs["lightbox"], 1):
    for k in ("pdf", "png", "preview"):
        if r[k] != expected:
            lost.append(f"lightbox run {i}: {r[k]} film-*.{'pdf' if k == 'pdf' else 'png'}{' previews' if k == 'preview' else ''} of {expected} ({r['jobs_finished']} jobs done, {r['jobs_failed']} failed)")
    if r["jobs_failed"]:
        lost.append(f"lightbox run {i}: {r['jobs_failed']} jobs failed")
for i, r in enumerate(runs["dcmprscp"], 1):
    if r["stored_print"] != expected or r["hardcopy"] != expected * 12:
        lost.append(f"dcmprscp run {i}: {r['stored_print']} Stored Print objects of {expected}, {r['hardcopy']} hardcopy images of {expected * 12}")
bad = [(n, b) for n, rs in runs.items() for r in rs for b in r["bad"]]
failed = [(n, b) for n, b in bad if b["status"] is None or not (b["status"] == 1 or 0xB000 <= b["status"] <= 0xBFFF)]

def produced(n):
    rs = runs[n]
    if n == "lightbox":
        return ", ".join(f"{r['pdf']} PDF / {r['png']} PNG / {r['preview']} preview ({r['jobs_finished']} jobs done)" for r in rs)
    return ", ".join(f"{r['stored_print']} SP / {r['hardcopy']} HG" for r in rs)

# B: the composer.
def kb(path, key):
    m = re.search(rf"{re.escape(key)}: (\d+)", open(path).read())
    return int(m.group(1)) if m else 0
peak = kb(f"{run}/compose.time", "Maximum resident set size (kbytes)") / 1024
idle = kb(f"{run}/idle.time", "Maximum resident set size (kbytes)") / 1024
cpu = (float(re.search(r"User time \(seconds\): ([0-9.]+)", open(f"{run}/compose.time").read()).group(1))
       + float(re.search(r"System time \(seconds\): ([0-9.]+)", open(f"{run}/compose.time").read()).group(1)))
per_hour = compose_films / compose_seconds * 3600
def png_info(path):
    b = open(path, "rb").read(1 << 16)
    w, h, depth = struct.unpack(">IIB", b[16:25])
    i = b.find(b"pHYs")
    dpi = None
    if i > 0:
        x, y, unit = struct.unpack(">IIB", b[i + 4:i + 13])
        dpi = round(x * 0.0254) if unit == 1 else None
    return w, h, depth, dpi, os.path.getsize(path)
pw, ph, pdepth, pdpi, psize = png_info(film + ".png")
vw, vh, _, vdpi, _ = png_info(film + "-preview.png")
page = re.search(r"Page size:\s+([0-9.]+) x ([0-9.]+) pts", open(f"{run}/compose-pdfinfo.txt").read())
pts_w, pts_h = float(page.group(1)), float(page.group(2))
in_w, in_h = pts_w / 72, pts_h / 72
dpi_w, dpi_h = pw / in_w, ph / in_h
pdf_size = os.path.getsize(film + ".pdf")

def yes(ok):
    return "**met**" if ok else "**missed**"

print(f"""## Film printing (issue 17)

Same load on both print SCPs: {clients} pynetdicom print SCUs ({scu}, `scripts/bench_print_scu.py`), each
a separate process (forked with its images already made, then released together by a barrier), print
{films} films each, {expected} in all: one association per SCU, one film session (1 copy, BLUE FILM), and per
film a film box N-CREATE (STANDARD\\3,4, 14INX17IN, PORTRAIT), twelve image box N-SETs (512×512, 12 bits
in 16, MONOCHROME2: a horizontal ramp over the 12 bits plus noise in the lowest 3, the pattern of
`ComposePerformanceTests`) and an N-ACTION Print on the film box, as a modality prints a
series of films; then the session's N-DELETE and A-RELEASE. Each SCU proposes only Basic Grayscale
Print Management Meta (Explicit VR Little Endian), which both accept (dcmprscp rejects Print Job,
Annotation Box and Printer Configuration Retrieval). Processes, not threads: in one Python process
the GIL would let the {clients} SCUs use one core between them while dcmprscp, serving one association at a
time, only ever meets one; processes give both servers SCUs that are not slowed by each other's Python.
The SCUs run on the same 2 cores as the server, so under Lightbox, which serves all {clients} at once,
they compete with it for the CPU. `TCP_NODELAY` on the SCUs' sockets and `TCP_NODELAY=1` for dcmprscp.
Each SCU keeps pynetdicom's association reactor parked while it sends: pynetdicom 3.0.4's pause
of that thread is racy, and under this load its reactor now and then takes a response meant for
the waiting request and drops it ("Received unexpected N-SET service message"), leaving the SCU to
wait out its DIMSE timeout; the SCUs expect no request from the SCP, so the reactor is not needed.

- DCMTK `dcmprscp` {dcmtk} (`dcmprscp -c CFG -p BENCHPRINTER`): `[[GENERAL]]` with `[PRINT] Directory`,
  `[DATABASE] Directory`, `[LUT] Directory`, `[NETWORK] aetitle`; one `[[COMMUNICATION]]` entry
  `Type = LOCALPRINTER`, `MaxPDU = 131072`, `DisplayFormat = 1,1\\2,2\\3,4\\4,5`, `FilmSizeID = 14INX17IN\\8INX10IN`,
  `MediumType = BLUE FILM\\CLEAR FILM\\PAPER`, `MagnificationType = CUBIC\\…`, `Supports12Bit = true`,
  every other setting its default (no detailed or binary log). It serves one association at a time
  (the others wait for their A-ASSOCIATE-AC) and for each printed film box writes a Stored Print object
  and one hardcopy grayscale image per image box into its database folder, without syncing; it
  renders nothing.
- `lightbox print-server --aet LIGHTBOX_PRINT --spool DIR` (profile `lightbox-dry`, maximum PDU 131072,
  up to 64 associations at once): each N-ACTION's film is written to the spool and fsynced before
  Success is answered; one worker then renders the jobs one after another (PDF, 300 dpi density PNG,
  100 dpi preview PNG).

Each server is started afresh (empty folders, a new port) before each run, untimed; {rounds} paired,
alternating rounds (dcmprscp, Lightbox, …) after an untimed one-film warm-up of each. A film's wait is
the time from its SCU's association request to that film's N-ACTION response ({expected} per run,
p50 and p99 by nearest rank); the total runs from the first association request until every SCU has
released (dcmprscp) or until every film is rendered (Lightbox: the spool's queue empty and {expected}
jobs done). Medians over the rounds; ratios are medians of per-round ratios.

| | dcmprscp | lightbox print-server | Lightbox / dcmprscp |
|---|---|---|---|
| film wait p50 (s) | {med(stats['dcmprscp']['p50']):.2f} | {med(stats['lightbox']['p50']):.2f} | {p50_ratio:.2f} |
| film wait p99 (s) | {med(stats['dcmprscp']['p99']):.2f} | {med(stats['lightbox']['p99']):.2f} | **{p99_ratio:.2f}** (goal ≤ 0.25) |
| all SCUs released (s) | {med([r['scu_seconds'] for r in runs['dcmprscp']]):.1f} | {scu_lb:.1f} | |
| total: until every film is produced (s, median) | {total['dcmprscp']['median']:.1f} | {total['lightbox']['median']:.1f} | **{total_ratio:.2f}** (goal ≤ 1) |
| total (s, min) | {total['dcmprscp']['min']:.1f} | {total['lightbox']['min']:.1f} | |
| films produced, each run | {produced('dcmprscp')} | {produced('lightbox')} | |

The modality's wait: Lightbox's p99 is **{p99_ratio:.2f}×** dcmprscp's — goal ≤ 0.25 {yes(p99_ratio <= 0.25)}.
The total: Lightbox takes **{total_ratio:.2f}×** dcmprscp's time — goal ≤ 1× {yes(total_ratio <= 1)}; dcmprscp's total
includes no rendering at all, Lightbox's includes rendering every film to PDF and PNGs: its SCUs are all
released after {scu_lb:.1f} s, the rest is its one spool worker rendering the films one after another.
Films: {"all " + str(expected) + " produced by both in every run." if not lost else "**films lost**: " + "; ".join(lost) + "."}{"" if not bad else " Statuses other than Success: " + ", ".join(sorted({f"{n} {b['step']} {'none' if b['status'] is None else hex(b['status'])}" for n, b in bad})) + "."}

Composing (issue 17's benchmark film): {compose_films} films of 14INX17IN, STANDARD\\4,5, twenty 512×512 12-bit
images each (the same ramp with noise), magnification the profile's default CUBIC, spooled by
`lightbox print-server --no-render` and then rendered by a print server started on that queue under
`/usr/bin/time -v`, from its "listening" line until the last job is done: each film to the PDF, the
density PNG and the preview PNG, as every print is. The profile `lightbox-dry` renders at its
STANDARD resolution: the density PNG is {pw}×{ph} pixels, {pdepth}-bit ({dpi_w:.0f}×{dpi_h:.0f} dpi over the PDF's
{pts_w:.0f}×{pts_h:.0f} pt = {in_w:.0f}×{in_h:.0f} in page{"" if pdpi is None else f"; pHYs {pdpi} dpi"}), the preview {vw}×{vh}.

| | |
|---|---|
| films rendered | {compose_films} in {compose_seconds:.1f} s ({compose_seconds / compose_films:.2f} s per film, CPU {cpu / compose_films:.2f} s per film) |
| films per hour | **{per_hour:,.0f}**: **{per_hour / 230:.1f}×** the 230 films/hour of the fastest dry imagers (goal ≥ 20×) {yes(per_hour / 230 >= 20)} |
| peak RSS of the rendering server | **{peak:.0f} MB**, {peak - idle:.0f} MB above the same server idle ({idle:.0f} MB): films are rendered one at a time |
| output per film | density PNG {psize / 1e6:.1f} MB, PDF {pdf_size / 1e6:.1f} MB |""")
with open(f"{run}/verdict", "w") as f:
    f.write("\n".join(lost + [f"{n} {b['step']}: status {b['status']}" for n, b in failed]))
EOF
if [ -s "$RUN/verdict" ]; then
  echo "bench-print: films lost or requests failed:" >&2; cat "$RUN/verdict" >&2; echo >&2
  echo "bench-print: the last Lightbox run's spool held $(cat "$RUN/lightbox-done.txt") done jobs and these films:" >&2
  head -n 12 "$RUN/lightbox-films.txt" >&2
  exit 1
fi
