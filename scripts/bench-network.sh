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
rate() { python3 -c "print(f'{$1 / ($3 - $2):.1f}')"; }

mkdir -p "$work/dcmtk" "$work/lightbox"
p1=$(free_port)
storescp -aet STORESCP -od "$work/dcmtk" "$p1" >"$work/storescp.log" 2>&1 & pids+=($!)
p2=$(free_port)
"$lightbox" store-server --host 127.0.0.1 --port "$p2" -aet LIGHTBOX --inbox "$work/lightbox" >"$work/lightbox.log" 2>&1 & pids+=($!)
wait_port "$p1"; wait_port "$p2"

files=$(find "$dir" -type f -name '*.dcm' | wc -l)
rounds=${ROUNDS:-3}
best_min() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }
best_max() { python3 -c "import sys; print(max(float(x) for x in sys.argv[1:]))" "$@"; }

# Rounds alternate between the two servers so drift in machine load hits both alike; each
# server's best round is reported ("at its best").
store1=(); store2=(); echo1=(); echo2=()
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/dcmtk"/* "$work/lightbox"/*.dcm
  t0=$(now); storescu -aec STORESCP +sd +r +sp '*.dcm' "127.0.0.1" "$p1" "$dir" >/dev/null; t1=$(now)
  t2=$(now); storescu -aec LIGHTBOX +sd +r +sp '*.dcm' "127.0.0.1" "$p2" "$dir" >/dev/null; t3=$(now)
  n1=$(find "$work/dcmtk" -type f | wc -l); n2=$(find "$work/lightbox" -name '*.dcm' | wc -l)
  [ "$n1" -eq "$files" ] && [ "$n2" -eq "$files" ] || echo "bench-network: stored $n1 (storescp) and $n2 (lightbox) of $files files" >&2
  store1+=("$(elapsed "$t0" "$t1")"); store2+=("$(elapsed "$t2" "$t3")")

  t0=$(now); for _ in $(seq 1 "$echoes"); do echoscu -aec STORESCP 127.0.0.1 "$p1"; done; t1=$(now)
  t2=$(now); for _ in $(seq 1 "$echoes"); do echoscu -aec LIGHTBOX 127.0.0.1 "$p2"; done; t3=$(now)
  echo1+=("$(rate "$echoes" "$t0" "$t1")"); echo2+=("$(rate "$echoes" "$t2" "$t3")")
done
echo "storescp_store_seconds $(best_min "${store1[@]}") / lightbox_store_seconds $(best_min "${store2[@]}")"
echo "storescp_echo_per_s $(best_max "${echo1[@]}") / lightbox_echo_per_s $(best_max "${echo2[@]}")"
