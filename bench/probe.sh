#!/bin/bash
# probe.sh [SECONDS] [CONNECTIONS] -- the HTTP tier's own cost, with no Python: wrk -t1 against
#   jetty    a bare Jetty handler (a default connector, the same lean JVM options)
#   selector wsgi4j's connector, handlers and exchange, the response given on the selector's thread
#            (embedded mode's path under the worker and prefork MPMs, Python left out)
#   inline   the same on the thread that read the request (embedded mode's path under event)
#   virtual  the same on a virtual thread per request (daemon mode's path, no daemon process)
# in one run, twice each, alternating; the server processes' JVM options are ChildJvm's lean ones.
# Builds the test classes (io.wsgi4j.bench.ProbeServer) first. Compare the ratios: the cores are shared.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../bin/lib/common.sh"
find_jdk
S=${1:-8}
C=${2:-16}
PORT=${PORT:-8790}
cd "$HERE/.." && maven -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  >/dev/null || { echo "probe.sh: the build failed" >&2; exit 1; }
CP=$HERE/../target/classes:$HERE/../target/test-classes:$(cat "$HERE/../target/bench-classpath.txt")
LEAN=$("$JAVA_HOME/bin/java" -cp "$CP" io.wsgi4j.bench.ProbeServer jvm-options)
WARMUP=${WARMUP:-20}   # C2 alone compiles the hot paths in the first seconds of load
trap 'kill $PID 2>/dev/null' EXIT
for round in 1 2; do
  for kind in ${KINDS:-jetty selector inline virtual}; do
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $LEAN -cp "$CP" io.wsgi4j.bench.ProbeServer \
      "$kind" "$PORT" >/dev/null 2>&1 &
    PID=$!
    for _ in $(seq 100); do curl -sf -o /dev/null "localhost:$PORT/" && break; sleep 0.1; done
    wrk -t1 -c"$C" -d"$WARMUP"s "http://127.0.0.1:$PORT/" >/dev/null 2>&1
    rps=$(wrk -t1 -c"$C" -d"${S}"s "http://127.0.0.1:$PORT/" 2>&1 | awk '/Requests\/sec/{print $2}')
    printf "round %d  %-8s %10s req/s\n" "$round" "$kind" "$rps"
    kill "$PID"; wait "$PID" 2>/dev/null
  done
done
