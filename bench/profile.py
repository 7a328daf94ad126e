#!/usr/bin/env python3
"""Splits the perf samples of bench/profile.sh into where a server's CPU goes per round trip.

    python3 bench/profile.py CONFIG RAW_DIR SERVER...

For each server, takes the round with the median CPU per round trip (of an even number of
rounds the upper of the two middle ones, never the cheapest of two), reads its perf report
(--sort dso,sym) and the client's RESULT line, and gives each group of frames its share of the
samples times the round's CPU per round trip (user + kernel µs, from /proc/PID/stat): how many µs
of each round trip that group costs. Prints markdown.
"""
import os
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

# The kernel part, split by the kind of kernel code, from symbol names (a heuristic: a name's
# prefix says which subsystem it belongs to, not who called it).
KERNEL_GROUPS = [
    ("copies to and from user memory", re.compile(
        r"^(_copy_to_iter|_copy_from_iter|__skb_datagram_iter|__check_object_size|check_heap_object"
        r"|check_stack_object|__virt_addr_valid|copy_user\w*|rep_movs\w*|_copy_from_user|_copy_to_user"
        r"|__put_user\w*|__get_user\w*)$")),
    ("io_uring", re.compile(r"^(__?io_\w+|io_\w+|tctx_task_work\w*|task_work_run|get_signal"
                            r"|arch_do_signal_or_restart|llist_reverse_order)$")),
    ("epoll", re.compile(r"^(ep_\w+|do_epoll_\w+|__x64_sys_epoll\w*|sock_poll|tcp_poll)$")),
    ("system call entry, descriptors, socket calls", re.compile(
        r"^(do_syscall_64|entry_SYSCALL\w*|syscall_\w+|__x64_sys_\w+|__sys_\w+|x64_sys_call|fdget\w*|fget\w*"
        r"|__fget\w*|fput|sock_from_file|vfs_read|vfs_write|ksys_\w+|sock_read_iter|sock_write_iter"
        r"|sock_recvmsg|sock_sendmsg|inet_send_prepare|inet6?_recvmsg|inet_sendmsg|exit_to_user_mode\w*"
        r"|irqentry_exit\w*|security_socket_\w+|__fdget\w*|rw_verify_area|import_ubuf|move_addr_to_user)$")),
    ("wake-ups, locks, scheduling (and the end of irq-off sections)", re.compile(
        r"^(_raw_spin_\w+|__raw_callee_save___pv_queued_spin_unlock|__pv_queued_spin_lock_slowpath"
        r"|native_queued_spin\w+|try_to_wake_up|ttwu_\w+|finish_task_switch\w*|__?schedule\w*"
        r"|schedule\w*|futex_\w+|do_futex|__futex\w*|wake_up_\w+|__wake_up\w*|autoremove_wake_function"
        r"|enqueue_\w+|dequeue_\w+|pick_next_\w+|select_task_rq\w*|update_curr\w*|update_load_avg"
        r"|psi_\w+|load_balance|update_sd_lb_stats\w*|mutex_\w+|__rcu_read_\w+)$")),
    ("memory: slab, pages", re.compile(r"^(kmem_\w+|__kmem\w*|kfree\w*|__slab\w*|___slab\w*|slab_\w+"
                                        r"|kmalloc\w*|__kmalloc\w*|__alloc_\w+|free_\w+|rmqueue\w*"
                                        r"|put_cpu_partial|__?memcg\w*|__get_pfnblock_flags_mask)$")),
    ("TCP/IP and loopback", re.compile(
        r"^(tcp\w*|__tcp\w*|ip_\w+|__ip_\w+|ipv4_\w+|inet\w*|__inet\w*|sk_\w+|__sk_\w+|sock_def_\w+"
        r"|skb\w*|__skb\w*|kfree_skb\w*|__dev_\w+|dev_\w+|net_\w+|__netif\w*|netif_\w+|napi\w*"
        r"|__napi\w*|process_backlog|loopback_\w+|bbr_\w+|dst_\w+|raw_local_deliver|validate_xmit\w*"
        r"|eth_\w+|handle_softirqs|do_softirq\w*|__local_bh_\w+|lock_sock\w*|release_sock|__release_sock"
        r"|sock_rfree|__?sock_wfree|enqueue_to_backlog|__mod_timer|sk_reset_timer|mod_timer|read_tsc"
        r"|__build_skb\w*|__copy_skb_header|__xfrm\w*|bpf_skops\w*|netdev_\w+)$")),
]
KERNEL_OTHER = "other kernel code"


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
    for share, dso, sym in rows:
        group = next((name for name, test in GROUPS if test(dso, sym)), OTHER)
        totals[group] = totals.get(group, 0.0) + share
    return totals


def split_kernel(rows):
    totals = {}
    for share, dso, sym in rows:
        if "kernel" not in dso:
            continue
        name = re.sub(r"(\.(isra|constprop|part|cold)\.\d+)+$", "", sym)  # a compiler's clone keeps its name
        group = next((g for g, pattern in KERNEL_GROUPS if pattern.match(name)), KERNEL_OTHER)
        totals[group] = totals.get(group, 0.0) + share
    return totals


def main():
    config, raw, servers = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    found = {s: median_round(config, raw, s) for s in servers}
    servers = [s for s in servers if found[s]]
    if not servers:
        sys.exit("no profiled round found under " + str(raw))
    load, _, tag = config.partition("-")  # the report's name: CONFIG, or CONFIG-TAG
    conns, size = load.split("x")
    flags = os.environ.get("JVM_FLAGS", "")
    print(f"# Where the server's CPU goes per round trip: {int(conns):,} conn × {size} B"
          + (f", every JVM with `{flags}`" if flags else "") + "\n")
    knobs = f"CONFIG={load}" + (f" TAG={tag}" if tag else "") + (f" JVM_FLAGS={flags}" if flags else "")
    print(f"From `bench/profile.sh` ({knobs}): each server alone under the echo ping-pong,")
    print("`perf record -F 999` (cpu-clock) on the server process over the client's measured window;")
    print("the round with the median CPU per round trip of each server. Each group's share of the")
    print("samples times that round's CPU per round trip (utime + stime from /proc/PID/stat) gives")
    print("its µs per round trip. Sampling costs a little CPU itself; one round is one sample of a")
    print("noisy machine, so read differences under about 10% as noise.\n")
    per = {}
    for s in servers:
        us, r, perf = found[s]
        rows = samples(perf)
        per[s] = (us, r, split(rows), rows)
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
    print("\n## The kernel part, by the kind of kernel code\n")
    print("Grouped by symbol name (a heuristic: the prefix names the subsystem, not the caller).")
    print("In a VM the timer's samples that fall while interrupts are off land on the function that")
    print("turns them back on (`_raw_spin_unlock_irqrestore`), so the wake-ups line also holds some")
    print("of the work done under those locks, such as waking the peer whose socket became readable.\n")
    kernel = {s: split_kernel(per[s][3]) for s in servers}
    print("| µs per round trip | " + " | ".join(servers) + " |")
    print("|---|" + "---|" * len(servers))
    for g in [name for name, _ in KERNEL_GROUPS] + [KERNEL_OTHER]:
        print(f"| {g} | " + " | ".join(f"{per[s][0] * kernel[s].get(g, 0.0) / 100:.2f}" for s in servers) + " |")
    print("\n## Top frames of each server (share of its samples)\n")
    for s in servers:
        us, r, totals, rows = per[s]
        rows = sorted(rows, reverse=True)[:15]
        print(f"**{s}** ({us:.2f} µs per round trip):\n")
        print("| % | where | frame |")
        print("|---|---|---|")
        for share, dso, sym in rows:
            print(f"| {share:.2f} | {dso} | `{sym}` |")
        print()


if __name__ == "__main__":
    main()
