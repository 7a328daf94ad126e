#!/usr/bin/env bash
# "Use weft in your project", checked as a user would do it: install weft into the local Maven
# repository with the machine's default Maven (JAVA_HOME unset), build it/use-weft against the
# installed artifact, run README's example with the flags README gives, and echo a line through it.
# README's example and it/use-weft/src/main/java/Echo.java must be the same text.
set -euo pipefail
cd "$(dirname "$0")/.."
source it/lib.sh
unset JAVA_HOME

java25=$(ls -d /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* 2>/dev/null | head -1)
[ -x "$java25/bin/java" ] || { echo "no JDK 25 under /usr/lib/jvm" >&2; exit 1; }

echo "-- README's example is it/use-weft's Echo.java"
awk '/^## Use weft in your project/{s=1} s&&/^```java/{c=1;next} c&&/^```/{exit} c' README.md \
  > target/readme-echo.java
diff -u target/readme-echo.java it/use-weft/src/main/java/Echo.java

echo "-- mvn -B install (skipping the test suite, which run-tests runs on its own)"
mvn -B -ntp -q -DskipTests install
"$java25/bin/jar" --describe-module --file target/weft-*-SNAPSHOT.jar | grep -qx 'exports dev.weft'

echo "-- build it/use-weft against the installed artifact"
(cd it/use-weft && mvn -B -ntp -q package)

echo "-- run README's example with README's flags and echo through it"
log=$(mktemp)
"$java25/bin/java" --module-path it/use-weft/target/lib --add-modules dev.weft \
  --enable-native-access=dev.weft -cp it/use-weft/target/classes Echo 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
port=$(await_port $pid "$log" 's/^echo on port \([0-9]*\) over .*/\1/p')
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'hello weft\n' >&3
IFS= read -r -t 10 reply <&3
exec 3>&-
[ "$reply" = "hello weft" ] || { echo "echo returned '$reply'" >&2; exit 1; }
if grep -q WARNING "$log"; then echo "JVM warnings:" >&2; cat "$log" >&2; exit 1; fi
echo "use-weft: $(head -1 "$log"), echoed '$reply'"
