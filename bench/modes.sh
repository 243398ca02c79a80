#!/bin/bash
# modes.sh [SECONDS] [CONNECTIONS] -- wsgi4j beside Apache httpd + mod_wsgi in the same MPM, mode and size, one run:
# for each app (hello.wsgi, the Flask app), each MPM (prefork 8x1, worker 2x4, event 2x4) and each mode (embedded,
# daemon), requests/s and p50 under wrk -t1 after a warm-up, the PSS of the server's whole process tree, and the
# wsgi.multithread the application saw; one line each, then a Markdown table. A server that does not start, or that
# was asked for embedded mode and does not run the application in N server JVMs, gets "failed"; the run goes on.
# Needs Debian's apache2 libapache2-mod-wsgi-py3 python3-flask and wrk (see ../../shared/bench/README.md).
# Environment: WARMUP (s, 30: wsgi4j's server processes compile with C2 alone and reach their speed
# after 20-40 s of load on two cores), START_TIMEOUT (s, 90), PORT (first port tried, 8800), WSGI4J (the command,
# ../bin/wsgi4j), and, to run a part of it,
# APPS ("hello flask"), CONFIGS ("prefork:8:1 worker:2:4 event:2:4"), MODES ("embedded daemon"),
# SERVERS ("wsgi4j apache"). One run is noisy on a shared 2-core machine: read the ratios.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
WSGI4J=${WSGI4J:-$HERE/../bin/wsgi4j}   # another command (another tree's bin/wsgi4j) may be given
PEERS=$HERE/../../shared/bench/peers
SHARED=$HERE/../../shared/bench
S=${1:-10}
C=${2:-16}
WARMUP=${WARMUP:-30}
START_TIMEOUT=${START_TIMEOUT:-90}
PORT=${PORT:-8800}
PYTHON=/usr/bin/python3   # Debian's, where python3-flask is; Apache's mod_wsgi runs the same one
APACHE=/usr/sbin/apache2

# The server being measured, so that the trap can stop it whatever happens.
CUR_KIND="" CUR_PID="" CUR_DIR=""

# A process and all its descendants (pss.sh's walk).
tree() { echo "$1"; local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do tree "$c"; done; }

# Stops the current server: wsgi4j by SIGTERM to the JVM started, Apache by -k stop; then, after a grace
# period, SIGKILL to whatever is left of the tree seen before (child JVMs, daemon processes).
stop_server() {
  [ -n "$CUR_KIND" ] || return 0
  local pids p i alive=""
  pids=$(tree "$CUR_PID" | sort -u)
  case $CUR_KIND in
    wsgi4j) kill -TERM "$CUR_PID" 2>/dev/null ;;
    apache) "$APACHE" -f "$CUR_DIR"/httpd.conf -k stop 2>/dev/null ;;
  esac
  for i in $(seq 100); do
    alive=""; for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    [ -z "$alive" ] && break
    sleep 0.2
  done
  for p in $alive; do kill -KILL "$p" 2>/dev/null; done
  [ "$CUR_KIND" = wsgi4j ] && wait "$CUR_PID" 2>/dev/null
  CUR_KIND="" CUR_PID=""
}
# On an interruption, the run directory of the server stopped goes too (a failed start's is kept, and named).
cleanup() {
  [ -n "${WRK_PID:-}" ] && kill -TERM "$WRK_PID" 2>/dev/null
  local kind=$CUR_KIND; stop_server; [ -n "$kind" ] && rm -rf "$CUR_DIR"
  rm -f "${LINES:-}" "${FAILS:-}" "${DIFFS:-}" "${WRK_OUT:-}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
# The next port from $PORT on that nothing listens on; PORT moves past it.
next_port() { while listening "$PORT"; do PORT=$((PORT + 1)); done; P=$PORT; PORT=$((PORT + 1)); }

# Waits until the server answers its application with a 2xx; else fails, WHY saying whether its process exited
# or START_TIMEOUT passed.
await() { # port pid
  local deadline=$((SECONDS + START_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    curl -sf -m 5 -o /dev/null "http://127.0.0.1:$1/" && return 0
    kill -0 "$2" 2>/dev/null || { WHY="exited before answering on port $1"; return 1; }
    sleep 0.3
  done
  WHY="did not answer on port $1 within ${START_TIMEOUT}s"
  return 1
}

# What the application reports as wsgi.multithread: hello.wsgi prints it at /, the Flask app at /json.
multithread() { # port app
  local body
  if [ "$2" = flask ]; then
    body=$(curl -sf -m 5 "http://127.0.0.1:$1/json")
    body=$(grep -o '"multithread": *[a-z]*' <<<"$body" | sed 's/.*: *//')
  else
    body=$(curl -sf -m 5 "http://127.0.0.1:$1/" | sed -n 's/^wsgi.multithread = //p')
  fi
  case $body in true|True) echo True ;; false|False) echo False ;; *) echo "?" ;; esac
}

# How many processes under the server (itself excluded) run this program (python, java): in embedded mode
# the application runs in N server JVMs under the control process, and in no Python process.
count_under() { local p n=0; for p in $(tree "$1" | sort -u); do [ "$p" = "$1" ] && continue
  case $(readlink /proc/"$p"/exe 2>/dev/null) in */"$2"*) n=$((n + 1)) ;; esac; done; echo $n; }

# wrk in the background, so that a signal stops the run at once (the trap ends wrk too); output in WRK_OUT.
run_wrk() { wrk "$@" >"$WRK_OUT" 2>&1 & WRK_PID=$!; wait "$WRK_PID"; WRK_PID=""; }

# Runs one measurement against the current server and prints its line; sets RPS and PSS for the table.
measure() { # label port pid app
  local out mt p50 err procs
  mt=$(multithread "$2" "$4"); MT=$mt
  run_wrk -t1 -c"$C" -d"${WARMUP}"s "http://127.0.0.1:$2/"
  run_wrk -t1 -c"$C" -d"${S}"s --latency "http://127.0.0.1:$2/"
  out=$(cat "$WRK_OUT")
  RPS=$(awk '/Requests\/sec/{printf "%d", $2 + 0.5}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  PSS=$("$PEERS"/pss.sh "$3")
  procs=$(tree "$3" | sort -u | wc -l)
  err=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' \n' ' ')
  [ -n "$RPS" ] || { RPS=failed; err="wrk: $(tail -1 <<<"$out") $err"; }
  printf "%-48s %8s req/s  p50 %-9s PSS %5s MiB  %2s processes  wsgi.multithread %-5s %s\n" \
    "$1" "$RPS" "${p50:--}" "$PSS" "$procs" "$mt" "$err"
}

failed() { # label why
  RPS=failed PSS=failed
  printf "%-48s   failed  %s\n" "$1" "$2"
  echo "* $1: $2" >>"$FAILS"
}

# Starts wsgi4j and waits for it. A server that printed its banner and then exited before answering was
# stopped from outside (these machines are shared): it is started once more before its cell is "failed".
start_wsgi4j() { # app-file mpm procs threads mode
  local flags="" try
  [ "$5" = embedded ] && flags=--embedded-mode
  for try in 1 2; do
    next_port
    CUR_DIR=$(mktemp -d /tmp/wsgi4j-modes.XXXX)
    # shellcheck disable=SC2086
    "$WSGI4J" start-server "$1" --port "$P" --host 127.0.0.1 --server-mpm "$2" --processes "$3" --threads "$4" \
        $flags --python "$PYTHON" --server-root "$CUR_DIR" >"$CUR_DIR"/console.log 2>&1 &
    CUR_KIND=wsgi4j CUR_PID=$!
    await "$P" "$CUR_PID" && return 0
    WHY="$WHY: $(grep -vE '^[A-Za-z ]+ +: ' "$CUR_DIR"/console.log | tail -2 | tr '\n' ' ')$(tail -2 \
        "$CUR_DIR"/error_log 2>/dev/null | tr '\n' ' ')(kept $CUR_DIR)"
    stop_server
    [[ $try = 1 && $WHY = exited* ]] && grep -q '^Server URL' "$CUR_DIR"/console.log || return 1
    echo "modes.sh: wsgi4j stopped before answering, once more: $WHY" >&2
  done
  return 1
}

run_wsgi4j() { # label app-file app mpm procs threads mode
  local label=$1 py jvms
  start_wsgi4j "$2" "$4" "$5" "$6" "$7" || { failed "$label" "$WHY"; return; }
  if [ "$7" = embedded ]; then
    py=$(count_under "$CUR_PID" python) jvms=$(count_under "$CUR_PID" java)
    if [ "$py" -gt 0 ] || [ "$jvms" -lt "$5" ]; then
      failed "$label" "not embedded mode as asked: $jvms server JVMs (not $5) and $py Python processes under the JVM started"
      stop_server; rm -rf "$CUR_DIR"; return
    fi
  fi
  measure "$label" "$P" "$CUR_PID" "$3"
  stop_server; rm -rf "$CUR_DIR"
}

run_apache() { # label app-file app mpm procs threads mode
  local label=$1 file=$2 app=$3 mpm=$4 n=$5 m=$6 mode=$7 pid
  next_port
  if ! CUR_DIR=$("$PEERS"/apache.sh "$mpm" "$mode" "$P" "$file" "$n" "$m" 2>/dev/null | tail -1) \
      || [ ! -d "$CUR_DIR" ]; then
    failed "$label" "apache.sh failed"; return
  fi
  for _ in $(seq 50); do [ -s "$CUR_DIR"/httpd.pid ] && break; sleep 0.1; done
  pid=$(cat "$CUR_DIR"/httpd.pid 2>/dev/null)
  [ -n "$pid" ] || { failed "$label" "no pid file in $CUR_DIR"; return; }
  CUR_KIND=apache CUR_PID=$pid
  if ! await "$P" "$pid"; then
    failed "$label" "$WHY: $(tail -2 "$CUR_DIR"/error.log | tr '\n' ' ')(kept $CUR_DIR)"
    stop_server; return
  fi
  measure "$label" "$P" "$pid" "$app"
  stop_server; rm -rf "$CUR_DIR"
}

# Build this tree's jar now, not inside the first start-up wait; a failed build leaves wsgi4j's cells "failed".
if [ "$WSGI4J" -ef "$HERE/../bin/wsgi4j" ]; then
  . "$HERE"/../bin/lib/common.sh
  if find_jdk && jar_is_stale; then build_jar || echo "modes.sh: the build failed: wsgi4j's cells will fail" >&2; fi
fi

LINES=$(mktemp /tmp/wsgi4j-modes-rows.XXXX) FAILS=$(mktemp /tmp/wsgi4j-modes-fails.XXXX)
DIFFS=$(mktemp /tmp/wsgi4j-modes-diffs.XXXX)
WRK_OUT=$(mktemp /tmp/wsgi4j-modes-wrk.XXXX)
echo "# bench/modes.sh $S s, $C connections, wrk -t1, warm-up ${WARMUP} s, loopback; $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "# $("$WSGI4J" -v 2>/dev/null | head -1 | sed 's/Server version: //'); $("$APACHE" -v 2>/dev/null | head -1 | sed 's/Server version: //'), mod_wsgi $(dpkg-query -W -f '${Version}' libapache2-mod-wsgi-py3 2>/dev/null); $("$PYTHON" -V 2>&1)"
for app in ${APPS:-hello flask}; do
  case $app in hello) file=$SHARED/hello.wsgi name=hello.wsgi ;; flask) file=$SHARED/flask_app.py name=Flask ;;
    *) echo "modes.sh: unknown app $app (hello, flask)" >&2; continue ;; esac
  for cfg in ${CONFIGS:-prefork:8:1 worker:2:4 event:2:4}; do
    IFS=: read -r mpm n m <<<"$cfg"
    for mode in ${MODES:-embedded daemon}; do
      W_RPS=skipped W_PSS=skipped A_RPS=skipped A_PSS=skipped W_MT="" A_MT=""
      for server in ${SERVERS:-wsgi4j apache}; do
        RPS=failed PSS=failed MT=""
        run_"$server" "$name $mpm ${n}x$m $mode $server" "$file" "$app" "$mpm" "$n" "$m" "$mode"
        case $server in wsgi4j) W_RPS=$RPS W_PSS=$PSS W_MT=$MT ;; apache) A_RPS=$RPS A_PSS=$PSS A_MT=$MT ;; esac
      done
      # mod_wsgi's rules say what the application should see; a difference is worth a line under the table.
      [ -n "$W_MT" ] && [ -n "$A_MT" ] && [ "$W_MT" != "$A_MT" ] &&
        echo "* $name $mpm ${n}x$m $mode: wsgi.multithread is $W_MT under wsgi4j, $A_MT under Apache" >>"$DIFFS"
      echo "$name|$mpm ${n}×$m|$mode|$W_RPS|$W_PSS|$A_RPS|$A_PSS" >>"$LINES"
    done
  done
done

echo
echo "| app | MPM p×t | mode | wsgi4j req/s | wsgi4j PSS MiB | Apache req/s | Apache PSS MiB | ratio |"
echo "|---|---|---|---:|---:|---:|---:|---:|"
while IFS='|' read -r name cfg mode wr wp ar ap; do
  ratio=$(awk -v w="$wr" -v a="$ar" 'BEGIN { if (w ~ /^[0-9]+$/ && a ~ /^[0-9]+$/ && a > 0) printf "%.2f", w / a; else print "—" }')
  echo "| $name | $cfg | $mode | $wr | $wp | $ar | $ap | $ratio |"
done <"$LINES"
echo
echo "ratio = wsgi4j req/s ÷ Apache req/s; PSS = the server's whole process tree after the measured run."
if [ -s "$FAILS" ]; then echo; echo "failed:"; cat "$FAILS"; fi
if [ -s "$DIFFS" ]; then echo; echo "wsgi.multithread differs:"; cat "$DIFFS"; fi
