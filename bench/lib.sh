# Shared by ./run-demo and bench/run.sh: find JDK 25, build what is missing, start servers.
# Source it from the repository root.

# The JDK 25 to run with: $WEFT_JAVA_HOME, then /usr/lib/jvm/*25*, then java on the PATH.
find_jdk25() {
    local candidate
    for candidate in "${WEFT_JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/jdk-25* /opt/*jdk*25* \
                     "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] \
           && "$candidate/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: JDK 25 not found; install one (e.g. apt-get install temurin-25-jdk) or set WEFT_JAVA_HOME" >&2
    return 1
}

# Builds the library and samples unless target/ is newer than every source file.
build_if_needed() {
    local marker=target/test-classes/dev/weft/samples/EchoServer.class
    if [ -f "$marker" ] && [ -f target/classes/dev/weft/WeftRuntime.class ] \
       && [ -z "$(find src native-bindings samples pom.xml -newer "$marker" -name '*.java' -o -newer "$marker" -name pom.xml 2>/dev/null | head -1)" ]; then
        return 0
    fi
    command -v mvn >/dev/null || { echo "error: Maven (mvn) is needed to build: apt-get install maven" >&2; return 1; }
    echo "building weft and its samples (mvn -q -DskipTests test-compile) ..." >&2
    mvn -q -DskipTests test-compile >&2
}

# Builds benchmarks/ (the Netty peers and JMH) with weft installed into ~/.m2 first, which it
# depends on. Maven itself runs on JDK 25 for it: packaging weft's modular jar calls the running
# JDK's jar tool, which must read Java 25 class files. Returns non-zero if either build fails.
build_benchmarks() {
    local home
    home=$(find_jdk25) || return 1
    command -v mvn >/dev/null || { echo "error: Maven (mvn) is needed to build: apt-get install maven" >&2; return 1; }
    echo "building weft (mvn install, into ~/.m2) and benchmarks/ (Netty + JMH) ..." >&2
    { JAVA_HOME="$home" mvn -q install -DskipTests \
      && JAVA_HOME="$home" mvn -q -f benchmarks/pom.xml package -DskipTests; } >&2
}

# The Netty peers, built if SERVERS (the argument) names one and benchmarks/ was not built yet.
build_netty_if_named() {
    [[ " $1 " == *" netty-"* ]] && [ ! -f benchmarks/target/benchmarks.jar ] || return 0
    build_benchmarks
}

# Alternative weft builds for A/B runs: SERVER_CP[NAME]=CLASSPATH makes NAME an EchoServer run on
# that classpath. SERVER_FLAGS[NAME] adds JVM flags to the server NAME, any of them (see bench/quick.sh).
declare -gA SERVER_CP=() SERVER_FLAGS=()
# A command the next start_server runs the JVM under (e.g. perf stat ... --); SERVER_PID stays the JVM's.
declare -ga SERVER_WRAPPER=()
WRAPPER_PID=

# Starts a server in the background: start_server NAME PORT LOGFILE [extra java flags...]
# NAME is weft-echo, weft-echo-1shot (one-shot recvs: multishot recv off), weft-echo-heap (a byte[]
# as jdk-echo uses, not a direct buffer), jdk-echo, netty-epoll, netty-io_uring, weft-http,
# jdk-http, or a name given a classpath in SERVER_CP. Sets SERVER_PID; waits until it is listening.
# A server that cannot bind because the port is still held is started again, up to 10 times a
# second apart: after a round of 10,000 connections the previous server's sockets can hold the
# port for a moment after it exits (seen once in 160 starts: a jdk-echo round lost to it).
start_server() {
    local attempt
    for attempt in $(seq 1 10); do
        if start_server_once "$@"; then
            return 0
        fi
        grep -q "Address already in use" "$3" 2>/dev/null || return 1
        stop_server
        echo "note: port $2 still in use when $1 started (attempt $attempt); starting it again in 1 s" >&2
        sleep 1
    done
    return 1
}

start_server_once() {
    local name=$1 port=$2 log=$3
    shift 3
    local cp="target/classes:target/test-classes"
    local cmd
    case "$name" in
        weft-echo)      cmd=(-cp "$cp" dev.weft.samples.EchoServer "$port") ;;
        weft-echo-1shot) cmd=(-Dweft.uring.multishotRecv=false -cp "$cp" dev.weft.samples.EchoServer "$port") ;;
        weft-echo-heap) cmd=(-Decho.heap=true -cp "$cp" dev.weft.samples.EchoServer "$port") ;;
        jdk-echo)       cmd=(-cp "$cp" dev.weft.samples.JdkEchoServer "$port") ;;
        weft-http)      cmd=(-cp "$cp" dev.weft.samples.HttpHelloServer "$port") ;;
        jdk-http)       cmd=(-cp "$cp" dev.weft.samples.JdkHttpHelloServer "$port") ;;
        netty-epoll)    cmd=(-cp benchmarks/target/benchmarks.jar dev.weft.bench.NettyEchoServer "$port" epoll) ;;
        netty-io_uring) cmd=(-cp benchmarks/target/benchmarks.jar dev.weft.bench.NettyEchoServer "$port" io_uring) ;;
        *)
            if [ -z "${SERVER_CP[$name]:-}" ]; then echo "unknown server $name" >&2; return 1; fi
            cmd=(-cp "${SERVER_CP[$name]}" dev.weft.samples.EchoServer "$port") ;;
    esac
    # Emptied here, not by the redirection below: that runs in the background child, and the wait
    # for "listening on" could otherwise find the line a previous server left in the same log and
    # start the client before this server listens ("Connection refused (connection 0)").
    : >"$log"
    # shellcheck disable=SC2206  # the flags are meant to split on spaces
    local flags=(${SERVER_FLAGS[$name]:-})
    "${SERVER_WRAPPER[@]}" "$JAVA" --enable-native-access=ALL-UNNAMED "$@" "${flags[@]}" "${cmd[@]}" >"$log" 2>&1 &
    SERVER_PID=$!
    local i
    if [ ${#SERVER_WRAPPER[@]} -gt 0 ]; then
        WRAPPER_PID=$SERVER_PID
        SERVER_PID=
        for i in $(seq 1 50); do
            SERVER_PID=$(pgrep -P "$WRAPPER_PID" | head -1) && [ -n "$SERVER_PID" ] && break
            sleep 0.1
        done
        [ -n "$SERVER_PID" ] || { echo "error: $name did not start under ${SERVER_WRAPPER[0]}" >&2; cat "$log" >&2; return 1; }
    fi
    for i in $(seq 1 100); do
        if grep -q "listening on" "$log" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "error: $name exited at start:" >&2
            cat "$log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "error: $name did not start in 10 s" >&2
    cat "$log" >&2
    return 1
}

stop_server() {
    if [ -n "${SERVER_PID:-}" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
    if [ -n "${WRAPPER_PID:-}" ]; then
        wait "$WRAPPER_PID" 2>/dev/null || true   # it ends with the JVM (and writes its output then)
        WRAPPER_PID=
    fi
}

# The C ping-pong client (bench/client/pingpong.c), compiled on first use and whenever it changes.
PINGPONG=bench/target/pingpong
build_pingpong() {
    if [ ! -x "$PINGPONG" ] || [ bench/client/pingpong.c -nt "$PINGPONG" ] || [ bench/client/cpu.h -nt "$PINGPONG" ]; then
        command -v gcc >/dev/null || { echo "error: gcc is needed for the load client: apt-get install gcc" >&2; return 1; }
        mkdir -p "$(dirname "$PINGPONG")"
        gcc -O2 -Wall -o "$PINGPONG" bench/client/pingpong.c
    fi
}

# Runs the C client: pingpong ARGS... (see the top of bench/client/pingpong.c)
pingpong() {
    "$PINGPONG" "$@"
}

# CPU time of a whole process so far, in clock ticks (utime + stime over all its threads).
cpu_ticks() {
    # the command name in field 2 may hold spaces: count fields after its closing parenthesis
    sed -E 's/^.*\) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# CPU a process uses while left alone: idle_cpu_pct PID SECONDS prints % of one core.
idle_cpu_pct() {
    local before after
    before=$(cpu_ticks "$1")
    sleep "$2"
    after=$(cpu_ticks "$1")
    awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v s="$2" 'BEGIN { printf "%.2f", 100 * t / hz / s }'
}
