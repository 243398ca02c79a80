# Shared by bin/wsgi4j and bin/test: find a JDK 25+, and build the jar when it is missing or stale.

WSGI4J_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WSGI4J_JAR=$WSGI4J_HOME/target/wsgi4j.jar
WSGI4J_MIN_JAVA=25

# The feature version (25, 26...) of the JDK at $1, or nothing.
jdk_version() {
    local home=$1 v=""
    [ -x "$home/bin/java" ] || return 0
    if [ -f "$home/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
    fi
    if [ -z "$v" ]; then
        v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    fi
    echo "$v"
}

# Sets JAVA_HOME to a JDK >= 25: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm
# (WSGI4J_JVM_DIR names another directory to search; the tests use it to simulate a machine without one).
find_jdk() {
    local jvm_dir=${WSGI4J_JVM_DIR:-/usr/lib/jvm}
    local v given="not set"
    if [ -n "${JAVA_HOME:-}" ]; then
        v=$(jdk_version "$JAVA_HOME")
        if [ -n "$v" ] && [ "$v" -ge "$WSGI4J_MIN_JAVA" ]; then
            export JAVA_HOME
            return 0
        fi
        if [ -n "$v" ]; then given="$JAVA_HOME: Java $v"; else given="$JAVA_HOME: not a JDK"; fi
    fi
    local best="" best_v=0 d
    for d in "$jvm_dir"/*/; do
        d=${d%/}
        [ -L "$d" ] && continue
        v=$(jdk_version "$d")
        if [ -n "$v" ] && [ "$v" -ge "$WSGI4J_MIN_JAVA" ] && [ "$v" -gt "$best_v" ]; then
            best=$d best_v=$v
        fi
    done
    if [ -z "$best" ]; then
        cat >&2 <<MSG
wsgi4j: no Java $WSGI4J_MIN_JAVA (or newer) JDK found.
  Looked at JAVA_HOME ($given) and in $jvm_dir.
  Install one, for example Eclipse Temurin 25 (https://adoptium.net, or the
  temurin-25-jdk package from Adoptium's Debian repository), then set JAVA_HOME
  to its directory or leave it under /usr/lib/jvm.
MSG
        return 1
    fi
    export JAVA_HOME=$best
}

# Maven itself runs on the JDK we found; keep its own warnings about sun.misc.Unsafe quiet.
maven() {
    if ! command -v mvn >/dev/null 2>&1; then
        echo "wsgi4j: Maven is needed to build wsgi4j (on Debian: apt-get install maven)." >&2
        return 1
    fi
    MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -Dstyle.color=never "$@"
}

# True when the jar is missing or older than anything it is built from. Directories count:
# deleting or renaming a source changes its directory's time, not the file's.
jar_is_stale() {
    [ -f "$WSGI4J_JAR" ] || return 0
    [ -n "$(find "$WSGI4J_HOME/src/main" "$WSGI4J_HOME/python" "$WSGI4J_HOME/pom.xml" -newer "$WSGI4J_JAR" \
        -not -path '*/__pycache__*' -print -quit 2>/dev/null)" ]
}

build_jar() {
    echo "wsgi4j: building $WSGI4J_JAR ..." >&2
    # Maven 3.8 writes colour resets even in batch mode; keep the terminal clean.
    (cd "$WSGI4J_HOME" && set -o pipefail && maven -q -DskipTests package 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2) || {
        echo "wsgi4j: the build failed; see the messages above." >&2
        return 1
    }
}
