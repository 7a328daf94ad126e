#!/usr/bin/env python3
"""Turns bench/run.sh's raw outputs into results.md (tables, medians, ratios) and a gnuplot chart."""
import glob
import os
import re
import statistics
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
raw = os.path.join(out, "raw")
PEER = "jdk-echo"


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def ratio(a, b, digits=2):
    return f"{a / b:.{digits}f}×" if a and b else "–"


# ---- echo ----
echo = {}  # (config, server) -> list of metric dicts
for path in glob.glob(os.path.join(raw, "echo-*.txt")):
    _, config, rest = os.path.basename(path)[:-4].split("-", 2)
    server, _round = rest.rsplit("-", 1)
    text = open(path).read()
    m = re.search(r"^RESULT (conns=.*)$", text, re.M)
    metrics = dict(kv.split("=") for kv in m.group(1).split()) if m else {}
    echo.setdefault((config, server), []).append({k: float(v) for k, v in metrics.items()})

configs = sorted({c for c, _ in echo}, key=lambda c: tuple(int(x) for x in reversed(c.split("x"))))
servers = [s for s in ["weft-echo", "jdk-echo", "netty-epoll", "netty-io_uring"] if any(s == t for _, t in echo)]
servers += sorted({s for _, s in echo} - set(servers))


def cell(config, server, metric):
    return med([r.get(metric) for r in echo.get((config, server), [])])


def label(config):
    conns, size = config.split("x")
    size = int(size)
    return f"{int(conns):,} conn × {size // 1024} KiB" if size >= 1024 else f"{int(conns):,} conn × {size} B"


lines = []
machine = open(os.path.join(raw, "machine.txt")).read().strip() if os.path.exists(os.path.join(raw, "machine.txt")) else ""
lines += ["# weft benchmark results", "", "```", machine, "```", ""]
lines += ["Echo ping-pong with `LoadClient` (one JDK NIO selector thread); each cell is the median of the",
          "rounds; ratios are against JDK virtual-thread sockets (`JdkEchoServer`) measured in the same run.", ""]
others = [s for s in servers if s != PEER]
head = "| config | " + " | ".join(f"{s} rt/s" for s in servers) + " | " + " | ".join(f"{s} / jdk" for s in others) + " |"
lines += ["## Throughput (round trips per second)", "", head, "|" + "---|" * (1 + len(servers) + len(others))]
for c in configs:
    peer = cell(c, PEER, "rt_per_s")
    row = [label(c)] + [fmt(cell(c, s, "rt_per_s")) for s in servers] + [ratio(cell(c, s, "rt_per_s"), peer) for s in others]
    lines.append("| " + " | ".join(row) + " |")
lines += ["", "## Latency p50 / p99 / p99.9 (µs)", "",
          "| config | " + " | ".join(servers) + " | weft p99 / jdk p99 |", "|" + "---|" * (2 + len(servers))]
for c in configs:
    row = [label(c)]
    for s in servers:
        row.append(" / ".join(fmt(cell(c, s, k)) for k in ("p50_us", "p99_us", "p999_us")))
    row.append(ratio(cell(c, "weft-echo", "p99_us"), cell(c, PEER, "p99_us")))
    lines.append("| " + " | ".join(row) + " |")
lines += ["", "## Efficiency: round trips per server CPU-second (steadier than raw throughput on a shared box)", "",
          "| config | " + " | ".join(servers) + " | " + " | ".join(f"{s} / jdk" for s in others) + " |",
          "|" + "---|" * (1 + len(servers) + len(others))]
for c in configs:
    peer = cell(c, PEER, "rt_per_server_cpu_s")
    row = [label(c)] + [fmt(cell(c, s, "rt_per_server_cpu_s")) + f" ({fmt(cell(c, s, 'server_cpu_pct'))}% cpu)" for s in servers]
    row += [ratio(cell(c, s, "rt_per_server_cpu_s"), peer) for s in others]
    lines.append("| " + " | ".join(row) + " |")

# ---- HTTP ----
http = {}  # (tool, server) -> list of (req/s, p99 ms)
for path in glob.glob(os.path.join(raw, "http-*.txt")):
    _, tool, rest = os.path.basename(path)[:-4].split("-", 2)
    server, _round = rest.rsplit("-", 1)
    text = open(path).read()
    rps = p99 = None
    if tool == "wrk":
        m = re.search(r"Requests/sec:\s+([\d.]+)", text)
        rps = float(m.group(1)) if m else None
        m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", text, re.M)
        if m:
            p99 = float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[m.group(2)]
        if re.search(r"Non-2xx|Socket errors", text):
            rps = None  # a server that answered wrongly gets no number
    else:
        m = re.search(r"finished in [\d.]+s, ([\d.]+) req/s", text)
        ok = re.search(r"requests: .* (\d+) failed, (\d+) errored", text)
        rps = float(m.group(1)) if m and ok and ok.group(1) == "0" and ok.group(2) == "0" else None
    http.setdefault((tool, server), []).append((rps, p99))
if http:
    lines += ["", "## HTTP/1.1 keep-alive hello, 100 connections", "",
              "wrk: 1 thread, one request at a time per connection; h2load: `--h1 -m 10` (10 pipelined).", "",
              "| server | wrk req/s | wrk p99 (ms) | h2load req/s |", "|---|---|---|---|"]
    hservers = sorted({s for _, s in http}, key=lambda s: (s != "weft-http", s))
    for s in hservers:
        lines.append(f"| {s} | {fmt(med([r for r, _ in http.get(('wrk', s), [])]))} | "
                     f"{fmt(med([p for _, p in http.get(('wrk', s), [])]), 2)} | "
                     f"{fmt(med([r for r, _ in http.get(('h2load', s), [])]))} |")
    w = med([r for r, _ in http.get(("wrk", "weft-http"), [])])
    j = med([r for r, _ in http.get(("wrk", "jdk-http"), [])])
    hw = med([r for r, _ in http.get(("h2load", "weft-http"), [])])
    hj = med([r for r, _ in http.get(("h2load", "jdk-http"), [])])
    lines.append(f"| **weft / jdk** | {ratio(w, j)} | | {ratio(hw, hj)} |")


# ---- memory ----
def memory(path):
    if not os.path.exists(path):
        return None
    text = open(path).read()
    rss = re.search(r"VmRSS:\s+(\d+) kB", text)
    used = re.search(r"used (\d+)K", text)
    total = re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", text)
    heap = re.search(r"Java Heap \(reserved=\d+KB, committed=(\d+)KB\)", text)
    if not (rss and used and total and heap):
        return None
    return {"rss": int(rss.group(1)), "heap": int(used.group(1)),
            "native": int(total.group(1)) - int(heap.group(1))}


mem_rows = []
for before in sorted(glob.glob(os.path.join(raw, "memory-*-before.txt"))):
    server = os.path.basename(before)[len("memory-"):-len("-before.txt")]
    a, b = memory(before), memory(before.replace("-before", "-after"))
    client = open(before.replace("-before", "-client")).read() if os.path.exists(before.replace("-before", "-client")) else ""
    m = re.search(r"READY (\d+) idle", client)
    if a and b and m:
        n = int(m.group(1))
        per = {k: (b[k] - a[k]) * 1024 / n for k in a}
        mem_rows.append((server, n, per))
if mem_rows:
    lines += ["", "## Memory per mostly idle connection (server process, after a full GC)", "",
              "Heap = Java heap used (includes virtual-thread stacks); native = NMT committed outside the heap",
              "(malloc, thread stacks, direct buffers, weft's native buffers); RSS includes heap growth.", "",
              "| server | idle connections | heap B/conn | native B/conn | heap + native B/conn | RSS B/conn |",
              "|---|---|---|---|---|---|"]
    for server, n, per in mem_rows:
        lines.append(f"| {server} | {n:,} | {fmt(per['heap'])} | {fmt(per['native'])} | "
                     f"{fmt(per['heap'] + per['native'])} | {fmt(per['rss'])} |")

open(os.path.join(out, "results.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
print(f"\nwrote {os.path.join(out, 'results.md')}")

# ---- chart: throughput ratio to the JDK per config (gnuplot) ----
if configs and others:
    with open(os.path.join(out, "chart.dat"), "w") as f:
        f.write("config " + " ".join(others) + "\n")
        for c in configs:
            peer = cell(c, PEER, "rt_per_s")
            vals = [(cell(c, s, "rt_per_s") / peer) if peer and cell(c, s, "rt_per_s") else 0 for s in others]
            f.write('"' + label(c).replace("×", "x") + '" ' + " ".join(f"{v:.3f}" for v in vals) + "\n")
    cols = " , ".join(f"'' using {i + 2}:xtic(1) title columnheader({i + 2})" for i in range(len(others)))
    cols = cols.replace("''", f"'{out}/chart.dat'", 1)
    with open(os.path.join(out, "chart.gp"), "w") as f:
        f.write(f"""set terminal pngcairo size 1000,560 font ',11' noenhanced
set output '{out}/chart.png'
set title 'Echo ping-pong throughput relative to JDK virtual-thread sockets (1.0 = JDK)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set ylabel 'throughput / JDK'
set grid ytics
set key top left
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2 lc rgb '#444444'
plot {cols}
""")
