#!/usr/bin/env python3
"""Turns the raw outputs of bench/run.sh (or bench/quick.sh) into a Markdown report and a chart.

    report.py [OUT]                            OUT/raw/* -> OUT/results.md, OUT/chart.{dat,gp}
    report.py OUT --raw DIR --md FILE --ab A B  quick.sh: other raw dir and file, plus a B/A column
    report.py --syscalls RAW/syscalls-SERVER   one line: syscalls per round trip of one server

Every echo cell is the median over rounds; ratios are against the JDK's virtual-thread sockets
(jdk-echo) measured in the same run. The spread of a cell is (max - min) / median over its rounds.
"""
import argparse
import glob
import math
import os
import re
import statistics

PEER = "jdk-echo"
ORDER = ["weft-echo", "weft-echo-heap", "weft-echo-1shot", "weft-A", "weft-B", "jdk-echo", "netty-io_uring", "netty-epoll"]


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    values = [v for v in values if v is not None]
    if len(values) < 2 or not statistics.median(values):
        return None
    return (max(values) - min(values)) / statistics.median(values)


def fmt(v, digits=0):
    return "–" if v is None else f"{v:,.{digits}f}"


def pct(v):
    return "–" if v is None else f"{100 * v:.0f}%"


def ratio(a, b, digits=2):
    return f"{a / b:.{digits}f}×" if a and b else "–"


def ordered(servers):
    return [s for s in ORDER if s in servers] + sorted(set(servers) - set(ORDER))


def read(path):
    with open(path) as f:
        return f.read()


def result_line(text):
    """The client's RESULT key=value line as floats, or {} if the run did not finish."""
    m = re.search(r"^RESULT (conns=.*)$", text, re.M)
    return {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())} if m else {}


def still_warming(text):
    """True if the first whole second of the measured window did under 70% of the window's best
    second: the server was still warming up (JIT) when measuring began, so WARMUP was too short."""
    m = re.search(r"^per second: ([\d ]+) \(.*window starts at ([\d.]+) s\)", text, re.M)
    if not m:
        return False
    seconds = [int(x) for x in m.group(1).split()]
    window = seconds[math.ceil(float(m.group(2))):]
    return len(window) >= 2 and window[0] < 0.7 * max(window)


def label(config):
    conns, size = (int(x) for x in config.split("x"))
    return f"{conns:,} conn × {size // 1024} KiB" if size >= 1024 else f"{conns:,} conn × {size} B"


# ---- syscalls per round trip (also usable alone, for measure.sh's progress line) ----

def strace_counts(path):
    """strace -c's table as {syscall: calls}, without the total line."""
    counts = {}
    if not os.path.exists(path):
        return counts
    for line in read(path).splitlines():
        cols = line.split()
        # % time, seconds, usecs/call, calls, [errors], syscall
        if len(cols) >= 5 and re.fullmatch(r"[\d.]+", cols[0]) and cols[3].isdigit() and cols[-1] != "total":
            counts[cols[-1]] = int(cols[3])
    return counts


def perf_counts(path):
    """perf stat -x, output as {event: count}; events perf could not count are left out."""
    counts = {}
    if not os.path.exists(path):
        return counts
    for line in read(path).splitlines():
        cols = line.split(",")
        if len(cols) >= 3 and re.fullmatch(r"\d+", cols[0]):
            counts[cols[2]] = int(cols[0])
    return counts


def syscalls(base):
    """Per round trip: perf's syscalls and context switches, strace's total and top five by name."""
    row = {}
    perf_rt = result_line(read(base + "-perf-client.txt")).get("total_rt") if os.path.exists(base + "-perf-client.txt") else None
    perf = perf_counts(base + "-perf.txt")
    if perf_rt and "raw_syscalls:sys_enter" in perf:
        row["perf_syscalls"] = perf["raw_syscalls:sys_enter"] / perf_rt
        row["perf_cs"] = perf.get("context-switches", 0) / perf_rt
        named = {e.split("sys_enter_")[1]: n for e, n in perf.items() if e.startswith("syscalls:sys_enter_")}
        named["(others)"] = perf["raw_syscalls:sys_enter"] - sum(named.values())
        row["perf_top"] = [(name, n / perf_rt) for name, n in sorted(named.items(), key=lambda kv: -kv[1])[:5] if n > 0]
    strace_rt = result_line(read(base + "-strace-client.txt")).get("total_rt") if os.path.exists(base + "-strace-client.txt") else None
    counts = strace_counts(base + "-strace.txt")
    if strace_rt and counts:
        row["strace_total"] = sum(counts.values()) / strace_rt
        row["strace_top"] = [(name, n / strace_rt) for name, n in sorted(counts.items(), key=lambda kv: -kv[1])[:5]]
        row["strace_rt"] = strace_rt
    return row


def syscall_summary(row):
    parts = []
    if "perf_syscalls" in row:
        top = ", ".join(f"{name} {n:.2f}" for name, n in row["perf_top"])
        parts.append(f"perf {row['perf_syscalls']:.2f} syscalls/rt ({top}), {row['perf_cs']:.2f} context switches/rt")
    if "strace_total" in row:
        top = ", ".join(f"{name} {n:.2f}" for name, n in row["strace_top"])
        parts.append(f"strace {row['strace_total']:.2f}/rt ({top})")
    return "; ".join(parts) or "(no counts)"


# ---- the report ----

def echo_section(raw, ab):
    echo = {}  # (config, server) -> list of RESULT dicts, one per round
    warming = []  # runs whose measured window began before the server had warmed up
    for path in glob.glob(os.path.join(raw, "echo-*.txt")):
        _, config, rest = os.path.basename(path)[:-4].split("-", 2)
        server, _round = rest.rsplit("-", 1)
        text = read(path)
        result = result_line(text)
        if result:
            result["round"] = int(_round)
            if still_warming(text):
                warming.append(f"{config} {server} round {_round}")
        echo.setdefault((config, server), []).append(result)
    failed = sorted(os.path.basename(p) for p in glob.glob(os.path.join(raw, "echo-*.failed")))
    configs = sorted({c for c, _ in echo}, key=lambda c: tuple(int(x) for x in reversed(c.split("x"))))
    servers = ordered({s for _, s in echo})

    def values(config, server, metric):
        return [r.get(metric) for r in echo.get((config, server), []) if r]

    def cell(config, server, metric):
        return med(values(config, server, metric))

    def vs(config, server, metric, base=PEER):
        """Ratio of the medians, and the range of the same ratio taken round by round: the two servers
        of one round ran seconds apart, so a range that stays on one side of 1.0 is a real difference."""
        mid = ratio(cell(config, server, metric), cell(config, base, metric))
        peer = {r["round"]: r.get(metric) for r in echo.get((config, base), []) if r}
        paired = [r.get(metric) / peer[r["round"]] for r in echo.get((config, server), [])
                  if r and r.get(metric) and peer.get(r["round"])]
        if server == base or len(paired) < 2:
            return mid
        return f"{mid} ({min(paired):.2f}–{max(paired):.2f})"

    lines = ["## Echo ping-pong, per load", "",
             "Client: bench/client/pingpong.c (one thread, epoll; every byte checked). rt/s = round trips per",
             "second; rt/CPU-s = round trips per second of server CPU (utime+stime of the server process over",
             "the measured window); p50/p99/p99.9 in µs, of the round trips begun inside the window (one begun",
             "in the warm-up is left out, so a stall of the server's first seconds is not counted here).",
             "Medians over rounds; ± = spread of rt/s over rounds.",
             "Ratios are against the JDK's virtual-thread sockets (jdk-echo) in the same run: the ratio of the",
             "medians, then in parentheses the lowest and highest ratio of one round's pair.", ""]
    extra = f" | {ab[1]} / {ab[0]} rt/s, rt/CPU-s, p99" if ab else ""
    for c in configs:
        lines += [f"### {label(c)}", "",
                  "| server | rounds | rt/s (± spread) | rt/CPU-s | server CPU | p50 / p99 / p99.9 µs "
                  "| rt/s vs JDK | rt/CPU-s vs JDK | p99 vs JDK |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for s in servers:
            if (c, s) not in echo:
                continue
            rt, eff = (cell(c, s, m) for m in ("rt_per_s", "rt_per_server_cpu_s"))
            lines.append(
                f"| {s} | {len(values(c, s, 'rt_per_s'))} | {fmt(rt)} (±{pct(spread(values(c, s, 'rt_per_s')))}) "
                f"| {fmt(eff)} | {fmt(cell(c, s, 'server_cpu_pct'))}% "
                f"| {' / '.join(fmt(cell(c, s, k)) for k in ('p50_us', 'p99_us', 'p999_us'))} "
                f"| {vs(c, s, 'rt_per_s')} | {vs(c, s, 'rt_per_server_cpu_s')} | {vs(c, s, 'p99_us')} |")
        if ab:
            a, b = ab
            lines += ["", f"**{b} / {a}**: rt/s {vs(c, b, 'rt_per_s', a)}, "
                          f"rt/CPU-s {vs(c, b, 'rt_per_server_cpu_s', a)}, p99 {vs(c, b, 'p99_us', a)}"]
        lines.append("")

    # the issue-8 view: every load in one table, ratios only
    others = [s for s in servers if s != PEER]
    if others and any((c, PEER) in echo for c in configs):
        lines += ["## Ratios to the JDK, all loads", "",
                  "| load | " + " | ".join(f"{s}: rt/s, rt/CPU-s, p99" for s in others) + " |",
                  "|---|" + "---|" * len(others)]
        for c in configs:
            row = [label(c)]
            for s in others:
                row.append(", ".join(ratio(cell(c, s, m), cell(c, PEER, m))
                                     for m in ("rt_per_s", "rt_per_server_cpu_s", "p99_us")))
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")

    # where the server's CPU goes: user space (its own code and runtime) and the kernel
    if any(cell(c, s, "server_user_us_per_rt") is not None for c in configs for s in servers):
        lines += ["## Server CPU per round trip: user space + kernel (µs)", "",
                  "utime and stime of the server over the measured window (/proc/PID/stat, 10 ms ticks), each",
                  "divided by the window's round trips; medians over rounds. The kernel part is mostly the",
                  "loopback TCP stack (the same sends and receives for every server), plus each server's own",
                  "system calls and wake-ups; the user part is the server's own code, JIT-compiled or not, and",
                  "its runtime (for virtual threads: the scheduler, parking, and the stack copies of each switch).", "",
                  "| load | " + " | ".join(servers) + " |", "|---|" + "---|" * len(servers)]
        for c in configs:
            row = [label(c)]
            for s in servers:
                user, sys_ = (cell(c, s, m) for m in ("server_user_us_per_rt", "server_sys_us_per_rt"))
                row.append("–" if user is None else f"{user:.2f} + {sys_:.2f}")
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")

    # noise: how far apart the rounds of one cell were
    spreads = {m: [spread(values(c, s, m)) for c in configs for s in servers] for m in ("rt_per_s", "rt_per_server_cpu_s")}
    rt_spreads = [x for x in spreads["rt_per_s"] if x is not None]
    eff_spreads = [x for x in spreads["rt_per_server_cpu_s"] if x is not None]
    lines += ["## Noise", ""]
    if rt_spreads:
        lines.append(f"Spread between rounds of the same cell, (max − min) / median: throughput median "
                     f"{pct(statistics.median(rt_spreads))}, worst {pct(max(rt_spreads))}; round trips per "
                     f"server CPU-second median {pct(statistics.median(eff_spreads)) if eff_spreads else '–'}, "
                     f"worst {pct(max(eff_spreads)) if eff_spreads else '–'}. A ratio closer to 1.0 than "
                     f"the spread is not a difference.")
    else:
        lines.append("One round per cell: no spread measured (run with ROUNDS ≥ 2 to state the noise).")
    if warming:
        lines += ["", f"Still warming up when measuring began (first measured second under 70% of the best; "
                      f"try a longer WARMUP): {len(warming)} of {sum(len(v) for v in echo.values())} runs: "
                      + ", ".join(sorted(warming)) + "."]
    if failed:
        lines += ["", "Failed runs (not in the medians): " + ", ".join(failed)]
    lines.append("")
    return lines, configs, servers, (lambda c, s, m: cell(c, s, m))


def idle_section(raw):
    rows = {}
    for path in sorted(glob.glob(os.path.join(raw, "idle-*.txt"))):
        for m in re.finditer(r"^IDLE server=(\S+) phase=(\S+) .*?seconds=(\S+) cpu_pct=(\S+)", read(path), re.M):
            rows.setdefault(m.group(1), {})[m.group(2)] = (float(m.group(4)), m.group(3))
        churn = re.search(r"phase=after-churn conns=(\d+)", read(path))
    if not rows:
        return []
    seconds = next(iter(next(iter(rows.values())).values()))[1]
    lines = ["## Idle CPU (% of one core)", "",
             f"Server listening with no client for {seconds} s (starting 2 s after it is up); then "
             f"{churn.group(1) if churn else 'N'} connections each connect, echo 64 B once and close, and after "
             f"1 s the server is left alone for another {seconds} s. From /proc/PID/stat ticks "
             f"(one tick = {100 / (os.sysconf('SC_CLK_TCK') * float(seconds)):.2g}% over {seconds} s).", "",
             "| server | listening, no clients | after the connections came and went |", "|---|---|---|"]
    for s in ordered(rows):
        cells = [f"{rows[s][p][0]:.1f}%" if p in rows[s] else "–" for p in ("listening", "after-churn")]
        lines.append(f"| {s} | {cells[0]} | {cells[1]} |")
    return lines + [""]


def syscall_section(raw):
    rows = {}
    for path in glob.glob(os.path.join(raw, "syscalls-*-warmup.txt")):
        server = os.path.basename(path)[len("syscalls-"):-len("-warmup.txt")]
        rows[server] = syscalls(path[:-len("-warmup.txt")])
    rows = {s: r for s, r in rows.items() if r}
    if not rows:
        return []
    load = next((result_line(read(p)) for p in glob.glob(os.path.join(raw, "syscalls-*-strace-client.txt"))), {})
    desc = f"{int(load['conns'])} conns × {int(load['size'])} B" if load else "a fixed load"
    lines = ["## Syscalls per round trip (server process)", "",
             f"Load: {desc} on a warmed-up server; counts over the whole client run (connects, accepts and "
             "closes of the load's connections included) divided by every round trip the client made. "
             "perf stat counts every thread of the server (tracepoints raw_syscalls:sys_enter, "
             "syscalls:sys_enter_NAME, context-switches) and slows it little (about 17% fewer round trips/s "
             "for the JDK server on the 2-core machine): these are the numbers to compare. "
             "strace -c -f -p slows the server several times over, which also changes its behaviour (a slow "
             "server finds data already waiting, so fewer reads fail with EAGAIN and fewer threads park): "
             "its counts are a second opinion by name, not the cost at full speed.", "",
             "| server | perf syscalls/rt | perf top 5 (calls/rt) | perf context switches/rt "
             "| strace syscalls/rt | strace top 5 (calls/rt) |",
             "|---|---|---|---|---|---|"]
    for s in ordered(rows):
        r = rows[s]
        top = {k: ", ".join(f"{name} {n:.2f}" for name, n in r.get(k, [])) or "–" for k in ("perf_top", "strace_top")}
        lines.append(f"| {s} | {fmt(r.get('perf_syscalls'), 2)} | {top['perf_top']} | {fmt(r.get('perf_cs'), 2)} "
                     f"| {fmt(r.get('strace_total'), 2)} | {top['strace_top']} |")
    return lines + [""]


def http_section(raw):
    http = {}  # (tool, server) -> list of (req/s, p99 ms)
    for path in glob.glob(os.path.join(raw, "http-*.txt")):
        _, tool, rest = os.path.basename(path)[:-4].split("-", 2)
        server, _round = rest.rsplit("-", 1)
        text = read(path)
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
    if not http:
        return []
    lines = ["## HTTP/1.1 keep-alive hello", "",
             "wrk: 1 thread, one request at a time per connection; h2load: `--h1 -m 10` (10 pipelined).", "",
             "| server | wrk req/s | wrk p99 (ms) | h2load req/s |", "|---|---|---|---|"]
    for s in sorted({s for _, s in http}, key=lambda s: (s != "weft-http", s)):
        lines.append(f"| {s} | {fmt(med([r for r, _ in http.get(('wrk', s), [])]))} | "
                     f"{fmt(med([p for _, p in http.get(('wrk', s), [])]), 2)} | "
                     f"{fmt(med([r for r, _ in http.get(('h2load', s), [])]))} |")
    w, j = (med([r for r, _ in http.get(("wrk", s), [])]) for s in ("weft-http", "jdk-http"))
    hw, hj = (med([r for r, _ in http.get(("h2load", s), [])]) for s in ("weft-http", "jdk-http"))
    lines.append(f"| **weft / jdk** | {ratio(w, j)} | | {ratio(hw, hj)} |")
    return lines + [""]


def memory(path):
    if not os.path.exists(path):
        return None
    text = read(path)
    rss = re.search(r"VmRSS:\s+(\d+) kB", text)
    used = re.search(r"used (\d+)K", text)
    total = re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", text)
    heap = re.search(r"Java Heap \(reserved=\d+KB, committed=(\d+)KB\)", text)
    if not (rss and used and total and heap):
        return None
    return {"rss": int(rss.group(1)), "heap": int(used.group(1)), "native": int(total.group(1)) - int(heap.group(1))}


def memory_section(raw):
    rows = []
    for before in sorted(glob.glob(os.path.join(raw, "memory-*-before.txt"))):
        server = os.path.basename(before)[len("memory-"):-len("-before.txt")]
        a, b = memory(before), memory(before.replace("-before", "-after"))
        client_path = before.replace("-before", "-client")
        m = re.search(r"READY (\d+) idle", read(client_path)) if os.path.exists(client_path) else None
        if a and b and m:
            n = int(m.group(1))
            rows.append((server, n, {k: (b[k] - a[k]) * 1024 / n for k in a}))
    if not rows:
        return []
    lines = ["## Memory per mostly idle connection (server process, after a full GC)", "",
             "Heap = Java heap used (includes virtual-thread stacks); native = NMT committed outside the heap",
             "(malloc, thread stacks, direct buffers, weft's native buffers); RSS includes heap growth.", "",
             "| server | idle connections | heap B/conn | native B/conn | heap + native B/conn | RSS B/conn |",
             "|---|---|---|---|---|---|"]
    for server, n, per in rows:
        lines.append(f"| {server} | {n:,} | {fmt(per['heap'])} | {fmt(per['native'])} | "
                     f"{fmt(per['heap'] + per['native'])} | {fmt(per['rss'])} |")
    return lines + [""]


def write_chart(out, configs, servers, cell):
    """gnuplot input: throughput of every server relative to the JDK, per load."""
    others = [s for s in servers if s != PEER]
    if not configs or not others:
        return
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default="bench/results")
    parser.add_argument("--raw", help="raw directory (default OUT/raw)")
    parser.add_argument("--md", help="report file (default OUT/results.md)")
    parser.add_argument("--title", default="weft benchmark results")
    parser.add_argument("--ab", nargs=2, metavar=("A", "B"), help="also compare server B with server A")
    parser.add_argument("--no-chart", action="store_true")
    parser.add_argument("--syscalls", metavar="BASE", help="print one server's syscalls per round trip and exit")
    args = parser.parse_args()
    if args.syscalls:
        print(syscall_summary(syscalls(args.syscalls)))
        return
    raw = args.raw or os.path.join(args.out, "raw")
    md = args.md or os.path.join(args.out, "results.md")

    machine_path = os.path.join(raw, "machine.txt")
    lines = [f"# {args.title}", "", "```", read(machine_path).strip() if os.path.exists(machine_path) else "", "```", ""]
    echo_lines, configs, servers, cell = echo_section(raw, args.ab)
    lines += echo_lines + idle_section(raw) + syscall_section(raw) + http_section(raw) + memory_section(raw)
    with open(md, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"wrote {md}")
    if not args.no_chart:
        write_chart(args.out, configs, servers, cell)


if __name__ == "__main__":
    main()
