#!/bin/bash
# compare.sh [SECONDS] -- wsgi4j (daemon mode, and embedded worker) beside the peers of ../shared/bench/peers,
# one run, 2 processes x 8 threads:
# hello world (wrk -t1 -c16), a 1 MiB POST read by the application (-c8), a 10 MiB streamed response (-c8),
# and ordinary requests during a 200-connection slowloris (slowloris.py). Needs the peers' Debian packages
# (see ../shared/bench/README.md) and wrk. One run is noisy on a shared 2-core machine: compare ratios.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
WSGI4J=$HERE/../bin/wsgi4j
PEERS=$HERE/../../shared/bench/peers
APPS=$HERE/../../shared/bench
S=${1:-8}
# The CPython the peers run (Debian's, where Apache's mod_wsgi, uWSGI and gunicorn find it).
PYTHON=${PYTHON:-/usr/bin/python3}
PORT=8700
POST=$(mktemp /tmp/wsgi4j-post.XXXX.lua)
printf 'wrk.method = "POST"\nwrk.body = string.rep("x", 1048576)\n' > "$POST"

# Waits for the server, then warms it up: the JVMs compile their hot paths with C2 in the first
# 20-40 s of load (WARMUP, 30 s).
WARMUP=${WARMUP:-30}
await() {
  for _ in $(seq 150); do curl -sf -o /dev/null "localhost:$1/" && break; sleep 0.2; done
  wrk -t1 -c16 -d"${WARMUP}"s "http://127.0.0.1:$1/" >/dev/null 2>&1
}
hello() { # label port pid
  local out; out=$(wrk -t1 -c16 -d"${S}"s --latency "http://127.0.0.1:$2/" 2>&1)
  printf "%-26s hello     %9s req/s  p50 %-8s p99 %-8s PSS %4s MiB %s\n" "$1" \
    "$(awk '/Requests\/sec/{print $2}' <<<"$out")" "$(awk '$1=="50%"{print $2}' <<<"$out")" \
    "$(awk '$1=="99%"{print $2}' <<<"$out")" "$("$PEERS"/pss.sh "$3")" "$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ')"
}
post() {
  local out; out=$(wrk -t1 -c8 -d"${S}"s -s "$POST" "http://127.0.0.1:$2/" 2>&1)
  printf "%-26s post 1MiB %9s req/s %s\n" "$1" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" \
    "$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ')"
}
stream() {
  local out; out=$(wrk -t1 -c8 -d"${S}"s --timeout 10s "http://127.0.0.1:$2/?10485760" 2>&1)
  printf "%-26s 10MiB out %9s req/s  %s/s %s\n" "$1" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" \
    "$(awk '/Transfer\/sec/{print $2}' <<<"$out")" "$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ')"
}
slowloris() { printf "%-26s slowloris %s\n" "$1" "$(python3 "$HERE"/slowloris.py "$2")"; }

for test in ${TESTS:-hello post stream slowloris}; do
  case $test in post) app=$APPS/echo.wsgi ;; stream) app=$APPS/stream.wsgi ;; *) app=$APPS/hello.wsgi ;; esac
  root=$(mktemp -d /tmp/wsgi4j-compare.XXXX)
  "$WSGI4J" start-server "$app" --port $PORT --processes 2 --threads 8 --limit-request-body 0 \
      --python "$PYTHON" --server-root "$root" >/dev/null 2>&1 &
  pid=$!
  await $PORT; $test wsgi4j-daemon-2x8 $PORT $pid
  kill -TERM $pid; wait $pid 2>/dev/null; rm -rf "$root"; PORT=$((PORT + 1))
  root=$(mktemp -d /tmp/wsgi4j-compare.XXXX)
  "$WSGI4J" start-server "$app" --port $PORT --embedded-mode --server-mpm worker --processes 2 --threads 8 \
      --limit-request-body 0 --python "$PYTHON" --server-root "$root" >/dev/null 2>&1 &
  pid=$!
  await $PORT; $test wsgi4j-embedded-worker-2x8 $PORT $pid
  kill -TERM $pid; wait $pid 2>/dev/null; rm -rf "$root"; PORT=$((PORT + 1))

  dir=$("$PEERS"/apache.sh event daemon $PORT "$app" 2 8 2>/dev/null)
  await $PORT; $test apache-event-daemon-2x8 $PORT "$(cat "$dir"/httpd.pid)"
  /usr/sbin/apache2 -f "$dir"/httpd.conf -k stop; sleep 1.5; PORT=$((PORT + 1))
  for peer in gunicorn-gthread uwsgi; do
    group=$("$PEERS"/others.sh $peer $PORT "$app" 2 8)
    await $PORT; $test $peer-2x8 $PORT "$group"
    kill -INT -- -"$group" 2>/dev/null; sleep 1.5; kill -KILL -- -"$group" 2>/dev/null; PORT=$((PORT + 1))
  done
done
rm -f "$POST"
