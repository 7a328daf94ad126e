#!/usr/bin/env python3
"""Splits the perf samples of bench/profile.sh into where a server's CPU goes per round trip.

    python3 bench/profile.py CONFIG RAW_DIR SERVER...

For each server, takes the round with the median CPU per round trip (of an even number of
rounds the upper of the two middle ones, never the cheapest of two), reads its perf report
(--sort dso,sym) and the client's RESULT line, and gives each group of frames its share of the
samples times the round's CPU per round trip (user + kernel µs, from /proc/PID/stat): how many µs
of each round trip that group costs. Prints markdown.
"""
import re
import sys
from pathlib import Path

# (group, test on (dso, symbol)) in order: the first that matches takes the sample.
VIRTUAL_THREAD_JVM = re.compile(r"Continuation|Thaw|Freeze|thaw|freeze|StackChunk|JVM_VirtualThread")
GROUPS = [
    ("kernel", lambda dso, sym: "kernel" in dso),
    ("virtual threads: park, unpark, stack copies",
     lambda dso, sym: (dso == "libjvm.so" and VIRTUAL_THREAD_JVM.search(sym))
     or java(sym).startswith(("java.lang.VirtualThread", "jdk.internal.vm.", "java.util.concurrent.locks.LockSupport",
                              "java.lang.Thread.")) or "continuationstubs" in sym),
    ("scheduler (ForkJoinPool)", lambda dso, sym: java(sym).startswith("java.util.concurrent.ForkJoin")),
    ("weft", lambda dso, sym: java(sym).startswith("dev.weft.") and not java(sym).startswith("dev.weft.samples.")),
    ("JDK sockets and buffers", lambda dso, sym: java(sym).startswith(("java.net.", "sun.nio.", "java.nio.", "sun.net.",
                                                                      "java.io."))
     or dso in ("libnio.so", "libnet.so")),
    ("Netty", lambda dso, sym: java(sym).startswith("io.netty.")),
    ("the echo sample's own loop", lambda dso, sym: java(sym).startswith(("dev.weft.samples.", "dev.weft.bench."))),
    ("libc (system call wrappers, memmove)", lambda dso, sym: dso.startswith("libc")),
    ("JVM: GC, barriers, runtime", lambda dso, sym: dso == "libjvm.so"),
    ("stubs: copies, downcalls, adapters", lambda dso, sym: "Stub" in sym or "stub" in sym or "adapter" in sym
     or "nep_invoker" in sym),
    ("interpreter", lambda dso, sym: sym == "Interpreter"),
]
OTHER = "other Java and native"


def java(sym):
    """The method's qualified name in a perf-map symbol ('int a.b.C.m(args)'), else ''."""
    parts = sym.split(" ", 1)
    return parts[1] if len(parts) == 2 and "(" in parts[1] else ""


def samples(path):
    """(share %, dso, symbol) for each line of a perf report sorted by dso,sym."""
    rows = []
    for line in path.read_text().splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S.*?)\s+\[[.k]\]\s+(.*)$", line)
        if m:
            dso = m.group(2).strip()
            if dso.startswith("[JIT]") or dso.startswith("perf-"):
                dso = "JIT"
            rows.append((float(m.group(1)), dso, m.group(3).strip()))
    return rows


def result(path):
    m = re.search(r"^RESULT (.*)$", path.read_text(), re.M)
    return dict(kv.split("=", 1) for kv in m.group(1).split()) if m else None


def median_round(config, raw, server):
    rounds = []
    for client in sorted(raw.glob(f"profile-{config}-{server}-*.client.txt")):
        r = result(client)
        perf = Path(str(client).replace(".client.txt", ".perf.txt"))
        if r and perf.exists() and perf.stat().st_size > 0:
            us = float(r["server_user_us_per_rt"]) + float(r["server_sys_us_per_rt"])
            rounds.append((us, r, perf))
    if not rounds:
        return None
    rounds.sort(key=lambda x: x[0])
    return rounds[len(rounds) // 2]  # the median of an odd count; of an even one, the upper middle


def split(rows):
    totals = {}
    tops = {}
    for share, dso, sym in rows:
        group = next((name for name, test in GROUPS if test(dso, sym)), OTHER)
        totals[group] = totals.get(group, 0.0) + share
        tops.setdefault(group, []).append((share, sym))
    return totals, tops


def main():
    config, raw, servers = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    found = {s: median_round(config, raw, s) for s in servers}
    servers = [s for s in servers if found[s]]
    if not servers:
        sys.exit("no profiled round found under " + str(raw))
    conns, size = config.split("x")
    print(f"# Where the server's CPU goes per round trip: {int(conns):,} conn × {size} B\n")
    print("From `bench/profile.sh` (CONFIG=" + config + "): each server alone under the echo ping-pong,")
    print("`perf record -F 999` (cpu-clock) on the server process over the client's measured window;")
    print("the round with the median CPU per round trip of each server. Each group's share of the")
    print("samples times that round's CPU per round trip (utime + stime from /proc/PID/stat) gives")
    print("its µs per round trip. Sampling costs a little CPU itself; one round is one sample of a")
    print("noisy machine, so read differences under about 10% as noise.\n")
    per = {}
    for s in servers:
        us, r, perf = found[s]
        totals, tops = split(samples(perf))
        per[s] = (us, r, totals, tops)
    groups = [g for g, _ in GROUPS] + [OTHER]
    print("| µs per round trip | " + " | ".join(servers) + " |")
    print("|---|" + "---|" * len(servers))
    for g in groups:
        if all(per[s][2].get(g, 0.0) < 0.05 for s in servers):
            continue
        cells = [f"{per[s][0] * per[s][2].get(g, 0.0) / 100:.2f}" for s in servers]
        print(f"| {g} | " + " | ".join(cells) + " |")
    print("| **all (user + kernel)** | " + " | ".join(f"**{per[s][0]:.2f}**" for s in servers) + " |")
    print("| round trips per server CPU-second | "
          + " | ".join(f"{float(per[s][1]['rt_per_server_cpu_s']):,.0f}" for s in servers) + " |")
    print("\n## Top frames of each server (share of its samples)\n")
    for s in servers:
        us, r, totals, tops = per[s]
        rows = sorted(samples(found[s][2]), reverse=True)[:15]
        print(f"**{s}** ({us:.2f} µs per round trip):\n")
        print("| % | where | frame |")
        print("|---|---|---|")
        for share, dso, sym in rows:
            print(f"| {share:.2f} | {dso} | `{sym}` |")
        print()


if __name__ == "__main__":
    main()
