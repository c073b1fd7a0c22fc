#!/usr/bin/env bash
# C-STORE throughput and C-ECHO association rate: DCMTK storescp against `lightbox store-server`,
# both fed by the same DCMTK storescu / echoscu on loopback, TCP_NODELAY=1 on every DCMTK side
# (DCMTK 3.6.7 leaves Nagle on otherwise; see docs facts "Network"). Both servers at their best
# and alike: `storescp +B -pdu 131072` (bit-preserving: writes the data set as received, no
# re-encoding; 128 KiB max PDU) and `lightbox store-server --max-pdu 131072` (its default; it
# also writes the bytes as received). Neither syncs.
#
#   scripts/bench-network.sh FOLDER LIGHTBOX_BINARY [ECHO_COUNT]
#
# FOLDER: DICOM files sent over one association (e.g. `lightbox synth big --images 2000 --size 512`,
# about 1 GB of 512×512 CT). Prints
#   storescp_store_seconds X / lightbox_store_seconds Y      (medians of the paired rounds)
#   storescp_echo_per_s X / lightbox_echo_per_s Y
#   control_storescp_echo_per_s X / control_reference_echo_per_s Y
#   storescp_raw_echo_per_s X / lightbox_raw_echo_per_s Y  (medians of the rounds)
# then the ratios (Lightbox speed-up, >1 is faster), which are what to read:
#   ratio store 1.40            (median of the per-round ratios, scripts/paired.py: A B A B …)
#   ratio echo 0.998
#   ratio echo_control 1.002    (a second storescp against the first: the echo row's noise)
#   ratio raw_echo 1.02         (median of the per-round ratios)
# The echo row runs `echoscu` once per association, so it includes DCMTK's process start-up (~20 ms),
# which dominates: calls cycle through the servers one by one (paired), a second storescp among
# them as the control, so drift in machine load hits all alike, and each server's rate is its
# calls over the time they took. The raw_echo
# row opens the same associations (A-ASSOCIATE, C-ECHO, A-RELEASE) from one Python process over a
# plain socket, so it shows the servers' own cost per association (storescp and lightbox
# alternately each round; median of the per-round ratios).
set -euo pipefail
dir=${1:?usage: bench-network.sh FOLDER LIGHTBOX_BINARY [ECHO_COUNT]}
lightbox=${2:?usage: bench-network.sh FOLDER LIGHTBOX_BINARY [ECHO_COUNT]}
echoes=${3:-200}
for tool in storescu storescp echoscu python3; do
  command -v "$tool" >/dev/null || { echo "bench-network: $tool not found (apt install dcmtk)" >&2; exit 2; }
done
export TCP_NODELAY=1
pdu=131072
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-network.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

BENCH_NAME=bench-network
source "$(dirname "$0")/bench-lib.sh"

mkdir -p "$work/dcmtk" "$work/lightbox"
p1=$(free_port)
storescp +B -pdu "$pdu" -aet STORESCP -od "$work/dcmtk" "$p1" >"$work/storescp.log" 2>&1 & pids+=($!)
p3=$(free_port)
mkdir -p "$work/control"
storescp +B -pdu "$pdu" -aet CONTROL -od "$work/control" "$p3" >"$work/control.log" 2>&1 & pids+=($!)
p2=$(free_port)
"$lightbox" store-server --host 127.0.0.1 --port "$p2" -aet LIGHTBOX --max-pdu "$pdu" --inbox "$work/lightbox" >"$work/lightbox.log" 2>&1 & pids+=($!)
wait_port "$p1"; wait_port "$p2"; wait_port "$p3"

files=$(find "$dir" -type f -name '*.dcm' | wc -l)
rounds=${ROUNDS:-5}
median() { python3 -c "import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

# Associations from one process, no process start-up: associate (Verification, Implicit VR LE),
# C-ECHO, release, close; prints associations per second.
cat > "$work/raw_echo.py" <<'PYEOF'
import socket, struct, sys, time
def item(t, body): return struct.pack(">BBH", t, 0, len(body)) + body
def pdu(t, body): return struct.pack(">BBI", t, 0, len(body)) + body
def rq(called):
    pc = item(0x20, bytes([1, 0, 0, 0]) + item(0x30, b"1.2.840.10008.1.1") + item(0x40, b"1.2.840.10008.1.2"))
    ui = item(0x50, item(0x51, struct.pack(">I", 16384)) + item(0x52, b"1.2.3.4"))
    return pdu(1, struct.pack(">HH", 1, 0) + called.encode().ljust(16) + b"RAWECHO".ljust(16) + bytes(32)
               + item(0x10, b"1.2.840.10008.3.1.1.1") + pc + ui)
def element(e, v): return struct.pack("<HHI", 0, e, len(v)) + v
body = element(2, b"1.2.840.10008.1.1\0") + element(0x100, struct.pack("<H", 0x30)) + element(0x110, struct.pack("<H", 1)) \
    + element(0x800, struct.pack("<H", 0x101))
command = element(0, struct.pack("<I", len(body))) + body
echo = pdu(4, struct.pack(">IB", len(command) + 2, 1) + bytes([3]) + command)
release = pdu(5, bytes(4))
def receive(s):
    b = b""
    while len(b) < 6 or len(b) < 6 + struct.unpack(">I", b[2:6])[0]:
        c = s.recv(65536)
        if not c: raise SystemExit("raw_echo: connection closed early")
        b += c
    return b[0]
n, called, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
request = rq(called)
t = time.perf_counter()
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(request); assert receive(s) == 2, "A-ASSOCIATE-AC expected"
    s.sendall(echo); assert receive(s) == 4, "P-DATA-TF expected"
    s.sendall(release); assert receive(s) == 6, "A-RELEASE-RP expected"
    s.close()
print(f"{n / (time.perf_counter() - t):.1f}")
PYEOF
raw_echoes=$((echoes * 10))

# echoscu, one process per association, cycling through the servers call by call (the order
# rotates every round of calls); prints each server's rate in associations per second. A second
# storescp is the control: the two storescp rates differ only by the measurement's own noise.
cat > "$work/paired_echo.py" <<'PYEOF'
import os, subprocess, sys, time
n, servers = int(sys.argv[1]), [tuple(s.split(":")) for s in sys.argv[2:]]
spent = [0.0] * len(servers)
for i in range(n):
    for j in range(len(servers)):
        k = (i + j) % len(servers)
        aet, port = servers[k]
        t = time.perf_counter()
        subprocess.run(["echoscu", "-aec", aet, "127.0.0.1", port], check=True)
        spent[k] += time.perf_counter() - t
print(" ".join(f"{n / s:.1f}" for s in spent))
PYEOF

# C-STORE: the same storescu run against each server, alternately (A B A B …, scripts/paired.py),
# each after deleting that server's previous files and a `sync`, so neither pays for writing back
# the other's gigabyte of dirty pages.
send() { echo "storescu -aec $1 +sd +r +sp '*.dcm' 127.0.0.1 $2 $dir"; }
python3 "$root/scripts/paired.py" run --rounds "$rounds" --reference lightbox --json "$work/store.json" \
  -n storescp -p "find $work/dcmtk -type f -delete && sync" "$(send STORESCP "$p1")" \
  -n lightbox -p "find $work/lightbox -name '*.dcm' -delete && sync" "$(send LIGHTBOX "$p2")" >&2
n1=$(find "$work/dcmtk" -type f | wc -l); n2=$(find "$work/lightbox" -name '*.dcm' | wc -l)
[ "$n1" -eq "$files" ] && [ "$n2" -eq "$files" ] || { echo "bench-network: stored $n1 (storescp) and $n2 (lightbox) of $files files" >&2; exit 1; }
# storescp's ratio to the reference (lightbox), pair by pair: Lightbox's speed-up.
read -r s1 s2 rs < <(python3 -c "import json, sys; r = {x['name']: x for x in json.load(open(sys.argv[1]))['results']}; print(r['storescp']['median'], r['lightbox']['median'], r['storescp']['ratio']['median'])" "$work/store.json")

echo1=(); echo2=(); echo3=(); raw1=(); raw2=(); rawr=()
for r in $(seq 1 "$rounds"); do
  read -r e_s e_l e_c < <(python3 "$work/paired_echo.py" "$echoes" "STORESCP:$p1" "LIGHTBOX:$p2" "CONTROL:$p3")
  echo1+=("$e_s"); echo2+=("$e_l"); echo3+=("$e_c")
  raw1+=("$(python3 "$work/raw_echo.py" "$raw_echoes" STORESCP "$p1")")
  raw2+=("$(python3 "$work/raw_echo.py" "$raw_echoes" LIGHTBOX "$p2")")
  rawr+=("$(python3 -c "import sys; print(float(sys.argv[2]) / float(sys.argv[1]))" "${raw1[-1]}" "${raw2[-1]}")")
  echo "bench-network: round $r echoscu/s: storescp $e_s, lightbox $e_l, control $e_c; raw/s: storescp ${raw1[-1]}, lightbox ${raw2[-1]}" >&2
done
# Echo: every round's calls together (paired call by call; a best round would pick noise).
sum_rate() { python3 -c "import sys; r = [float(x) for x in sys.argv[1:]]; print(f'{len(r) / sum(1 / x for x in r):.1f}')" "$@"; }
e1=$(sum_rate "${echo1[@]}"); e2=$(sum_rate "${echo2[@]}"); e3=$(sum_rate "${echo3[@]}")
r1=$(median "${raw1[@]}"); r2=$(median "${raw2[@]}"); rr=$(median "${rawr[@]}")
echo "storescp_store_seconds $s1 / lightbox_store_seconds $s2"
echo "storescp_echo_per_s $e1 / lightbox_echo_per_s $e2"
echo "control_storescp_echo_per_s $e3 / control_reference_echo_per_s $e1"
echo "storescp_raw_echo_per_s $r1 / lightbox_raw_echo_per_s $r2"
python3 -c "import sys; rs, e1, e2, e3, rr = map(float, sys.argv[1:]); print(f'ratio store {rs:.2f}'); print(f'ratio echo {e2 / e1:.3f}'); print(f'ratio echo_control {e3 / e1:.3f}'); print(f'ratio raw_echo {rr:.2f}')" \
  "$rs" "$e1" "$e2" "$e3" "$rr"
