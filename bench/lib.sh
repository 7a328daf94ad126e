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

# Starts a server in the background: start_server NAME PORT LOGFILE [extra java flags...]
# NAME is weft-echo, weft-echo-ms (multishot recv), jdk-echo, netty-epoll, netty-io_uring, weft-http, jdk-http.
# Sets SERVER_PID; waits until it prints that it is listening.
start_server() {
    local name=$1 port=$2 log=$3
    shift 3
    local cp="target/classes:target/test-classes"
    local cmd
    case "$name" in
        weft-echo)      cmd=(-cp "$cp" dev.weft.samples.EchoServer "$port") ;;
        weft-echo-ms)   cmd=(-Dweft.uring.multishotRecv=true -cp "$cp" dev.weft.samples.EchoServer "$port") ;;
        jdk-echo)       cmd=(-cp "$cp" dev.weft.samples.JdkEchoServer "$port") ;;
        weft-http)      cmd=(-cp "$cp" dev.weft.samples.HttpHelloServer "$port") ;;
        jdk-http)       cmd=(-cp "$cp" dev.weft.samples.JdkHttpHelloServer "$port") ;;
        netty-epoll)    cmd=(-cp benchmarks/target/benchmarks.jar dev.weft.bench.NettyEchoServer "$port" epoll) ;;
        netty-io_uring) cmd=(-cp benchmarks/target/benchmarks.jar dev.weft.bench.NettyEchoServer "$port" io_uring) ;;
        *) echo "unknown server $name" >&2; return 1 ;;
    esac
    "$JAVA" --enable-native-access=ALL-UNNAMED "$@" "${cmd[@]}" >"$log" 2>&1 &
    SERVER_PID=$!
    local i
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
}

# Runs the load client: load_client ARGS... (prints its output)
load_client() {
    "$JAVA" -cp target/test-classes dev.weft.samples.LoadClient "$@"
}
