# Shared helpers of the bench scripts (sourced): free loopback ports and waiting for a listener.
# BENCH_NAME names the script in messages.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() {
  for _ in $(seq 1 300); do
    python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$1)))" && return 0
    sleep 0.1
  done
  echo "${BENCH_NAME:-bench}: nothing listens on port $1" >&2; exit 1
}
