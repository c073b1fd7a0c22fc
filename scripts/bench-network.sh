#!/usr/bin/env bash
# C-STORE throughput and C-ECHO association rate: DCMTK storescp against `lightbox store-server`,
# both fed by the same DCMTK storescu / echoscu on loopback, TCP_NODELAY=1 on every DCMTK side
# (DCMTK 3.6.7 leaves Nagle on otherwise; see docs facts "Network").
#
#   scripts/bench-network.sh FOLDER LIGHTBOX_BINARY [ECHO_COUNT]
#
# FOLDER: DICOM files sent over one association (e.g. `lightbox synth big --images 2000 --size 512`,
# about 1 GB of 512×512 CT). Prints
#   storescp_store_seconds X / lightbox_store_seconds Y
#   storescp_echo_per_s X / lightbox_echo_per_s Y
#   control_storescp_echo_per_s X / control_reference_echo_per_s Y
#   storescp_raw_echo_per_s X / lightbox_raw_echo_per_s Y
# then the ratios (Lightbox speed-up, >1 is faster), which are what to read:
#   ratio store 1.40
#   ratio echo 0.998
#   ratio echo_control 1.002    (a second storescp against the first: the echo row's noise)
#   ratio raw_echo 1.02
# The echo row runs `echoscu` once per association, so it includes DCMTK's process start-up (~20 ms),
# which dominates: calls cycle through the servers one by one (paired), a second storescp among
# them as the control, so drift in machine load hits all alike, and each server's rate is its
# calls over the time they took. The raw_echo
# row opens the same associations (A-ASSOCIATE, C-ECHO, A-RELEASE) from one Python process over a
# plain socket, so it shows the servers' own cost per association (best of the rounds).
set -euo pipefail
dir=${1:?usage: bench-network.sh FOLDER LIGHTBOX_BINARY [ECHO_COUNT]}
lightbox=${2:?usage: bench-network.sh FOLDER LIGHTBOX_BINARY [ECHO_COUNT]}
echoes=${3:-200}
for tool in storescu storescp echoscu python3; do
  command -v "$tool" >/dev/null || { echo "bench-network: $tool not found (apt install dcmtk)" >&2; exit 2; }
done
export TCP_NODELAY=1
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-network.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() {
  for _ in $(seq 1 100); do
    python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$1)))" && return 0
    sleep 0.1
  done
  echo "bench-network: nothing listens on port $1" >&2; exit 1
}
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }

mkdir -p "$work/dcmtk" "$work/lightbox"
p1=$(free_port)
storescp -aet STORESCP -od "$work/dcmtk" "$p1" >"$work/storescp.log" 2>&1 & pids+=($!)
p3=$(free_port)
mkdir -p "$work/control"
storescp -aet CONTROL -od "$work/control" "$p3" >"$work/control.log" 2>&1 & pids+=($!)
p2=$(free_port)
"$lightbox" store-server --host 127.0.0.1 --port "$p2" -aet LIGHTBOX --inbox "$work/lightbox" >"$work/lightbox.log" 2>&1 & pids+=($!)
wait_port "$p1"; wait_port "$p2"; wait_port "$p3"

files=$(find "$dir" -type f -name '*.dcm' | wc -l)
rounds=${ROUNDS:-4}
best_min() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }
best_max() { python3 -c "import sys; print(max(float(x) for x in sys.argv[1:]))" "$@"; }

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

# Rounds alternate between the two servers so drift in machine load hits both alike; each
# server's best round is reported ("at its best"). Four rounds, so each server goes first twice.
store1=(); store2=(); echo1=(); echo2=(); echo3=(); raw1=(); raw2=()
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/dcmtk"/* "$work/lightbox"/*.dcm
  # Neither server syncs what it writes; `sync` before each run keeps the previous run's gigabyte of
  # dirty pages from being written back (and throttling) during the next server's run. Which server
  # goes first alternates by round: the first run after the deletions above measures slower.
  store_dcmtk() { sync; t0=$(now); storescu -aec STORESCP +sd +r +sp '*.dcm' "127.0.0.1" "$p1" "$dir" >/dev/null; t1=$(now); }
  store_lightbox() { sync; t2=$(now); storescu -aec LIGHTBOX +sd +r +sp '*.dcm' "127.0.0.1" "$p2" "$dir" >/dev/null; t3=$(now); }
  if [ $((r % 2)) -eq 1 ]; then store_dcmtk; store_lightbox; else store_lightbox; store_dcmtk; fi
  n1=$(find "$work/dcmtk" -type f | wc -l); n2=$(find "$work/lightbox" -name '*.dcm' | wc -l)
  [ "$n1" -eq "$files" ] && [ "$n2" -eq "$files" ] || echo "bench-network: stored $n1 (storescp) and $n2 (lightbox) of $files files" >&2
  store1+=("$(elapsed "$t0" "$t1")"); store2+=("$(elapsed "$t2" "$t3")")
  echo "bench-network: round $r C-STORE seconds: storescp ${store1[-1]}, lightbox ${store2[-1]}" >&2

  read -r e_s e_l e_c < <(python3 "$work/paired_echo.py" "$echoes" "STORESCP:$p1" "LIGHTBOX:$p2" "CONTROL:$p3")
  echo1+=("$e_s"); echo2+=("$e_l"); echo3+=("$e_c")

  raw1+=("$(python3 "$work/raw_echo.py" "$raw_echoes" STORESCP "$p1")")
  raw2+=("$(python3 "$work/raw_echo.py" "$raw_echoes" LIGHTBOX "$p2")")
done
s1=$(best_min "${store1[@]}"); s2=$(best_min "${store2[@]}")
# Echo: every round's calls together (paired rounds; a best round would pick noise).
sum_rate() { python3 -c "import sys; r = [float(x) for x in sys.argv[1:]]; print(f'{len(r) / sum(1 / x for x in r):.1f}')" "$@"; }
e1=$(sum_rate "${echo1[@]}"); e2=$(sum_rate "${echo2[@]}"); e3=$(sum_rate "${echo3[@]}")
r1=$(best_max "${raw1[@]}"); r2=$(best_max "${raw2[@]}")
echo "storescp_store_seconds $s1 / lightbox_store_seconds $s2"
echo "storescp_echo_per_s $e1 / lightbox_echo_per_s $e2"
echo "control_storescp_echo_per_s $e3 / control_reference_echo_per_s $e1"
echo "storescp_raw_echo_per_s $r1 / lightbox_raw_echo_per_s $r2"
python3 -c "import sys; s1, s2, e1, e2, r1, r2, e3 = map(float, sys.argv[1:]); print(f'ratio store {s1 / s2:.2f}'); print(f'ratio echo {e2 / e1:.3f}'); print(f'ratio echo_control {e3 / e1:.3f}'); print(f'ratio raw_echo {r2 / r1:.2f}')" \
  "$s1" "$s2" "$e1" "$e2" "$r1" "$r2" "$e3"
