/*
 * Clocks and CPU time for the bench clients (pingpong.c, udpping.c): wall time, the client's own
 * CPU, and a server's CPU read from /proc, so each client reports round trips per server
 * CPU-second the same way.
 */
#ifndef WEFT_BENCH_CPU_H
#define WEFT_BENCH_CPU_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static double own_cpu_s(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/*
 * utime + stime of every thread of the process, in clock ticks; -1 if it cannot be read. When
 * user_ticks is not NULL it gets utime alone: the time in the process's own code (for a JVM, the
 * application, the JIT's code and the runtime), the rest being the kernel working for it.
 */
static long long process_ticks(int pid, long long *user_ticks) {
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = 0;
    /* The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'. */
    char *p = strrchr(line, ')');
    if (!p) return -1;
    unsigned long long utime, stime;
    /* after ')': state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    if (user_ticks) *user_ticks = (long long)utime;
    return (long long)(utime + stime);
}

#endif
