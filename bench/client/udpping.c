/*
 * udpping: the UDP load client. One thread, one epoll set, F flows; each flow is a UDP socket
 * connected to the server that sends an S-byte datagram, waits for its echo, checks every byte,
 * and sends the next. A datagram may be lost (UDP): a flow that hears nothing for LOSS_MS counts
 * a loss and sends again, so the load never stalls. Written in C so that the client costs far
 * less CPU than the server it measures (on a 2-core machine the two share the cores).
 *
 *   udpping [-f FLOWS] [-s BYTES] [-w WARMUP_S] [-d DURATION_S] [--server-pid PID] HOST:PORT
 *
 * The measured window starts after the warm-up: echoes, the client's CPU (getrusage) and the
 * server's CPU ticks (utime+stime of /proc/PID/stat) are counted from that instant to its end.
 * Each echo is two datagrams through the server (one in, one out). The last line is
 * machine-readable: RESULT key=value ...
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"

#define MAX_EVENTS 256
#define LOSS_MS 200
#define MAX_PAYLOAD 65507

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "udpping: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

typedef struct {
    int fd;
    uint32_t seq;      /* sequence number of the datagram in flight, in its first 4 bytes */
    int64_t sent_at;
} flow;

static unsigned char *out_buf, *in_buf;

/* Fills the payload: the sequence number, then a pattern derived from it, so a stale or corrupt echo is caught. */
static void fill(unsigned char *buf, int size, uint32_t seq) {
    for (int i = 0; i < size; i++) buf[i] = (unsigned char)(seq * 31u + (unsigned)i * 7u);
    if (size >= 4) memcpy(buf, &seq, 4);
}

static void send_next(flow *f, int size) {
    f->seq++;
    fill(out_buf, size, f->seq);
    if (send(f->fd, out_buf, size, 0) != size && errno != ECONNREFUSED && errno != ENOBUFS)
        die("send: %s", strerror(errno));
    f->sent_at = now_ns();
}

int main(int argc, char **argv) {
    int flows = 1, size = 64, server_pid = 0;
    double warmup = 1, duration = 5;
    const char *target = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(a, "-f") && has_value) flows = atoi(argv[++i]);
        else if (!strcmp(a, "-s") && has_value) size = atoi(argv[++i]);
        else if (!strcmp(a, "-w") && has_value) warmup = atof(argv[++i]);
        else if (!strcmp(a, "-d") && has_value) duration = atof(argv[++i]);
        else if (!strcmp(a, "--server-pid") && has_value) server_pid = atoi(argv[++i]);
        else if (a[0] != '-' && !target) target = a;
        else die("usage: udpping [-f FLOWS] [-s BYTES] [-w WARMUP_S] [-d DURATION_S] [--server-pid PID] HOST:PORT");
    }
    if (!target) die("no HOST:PORT");
    if (flows < 1 || size < 4 || size > MAX_PAYLOAD) die("need FLOWS >= 1 and 4 <= BYTES <= %d", MAX_PAYLOAD);
    char host[256];
    const char *colon = strrchr(target, ':');
    if (!colon || (size_t)(colon - target) >= sizeof host) die("bad HOST:PORT %s", target);
    memcpy(host, target, colon - target);
    host[colon - target] = 0;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM}, *res;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc) die("%s: %s", host, gai_strerror(rc));

    out_buf = malloc(MAX_PAYLOAD);
    in_buf = malloc(MAX_PAYLOAD + 1);
    flow *all = calloc(flows, sizeof *all);
    int ep = epoll_create1(0);
    for (int i = 0; i < flows; i++) {
        all[i].fd = socket(res->ai_family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (all[i].fd < 0) die("socket: %s", strerror(errno));
        if (connect(all[i].fd, res->ai_addr, res->ai_addrlen)) die("connect: %s", strerror(errno));
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, all[i].fd, &ev);
        all[i].seq = (uint32_t)i << 20;
    }
    for (int i = 0; i < flows; i++) send_next(&all[i], size);

    int64_t start = now_ns();
    int64_t window_start = start + (int64_t)(warmup * 1e9);
    int64_t window_end = window_start + (int64_t)(duration * 1e9);
    int measuring = 0;
    long long echoes = 0, losses = 0, mismatches = 0, ticks_start = -1, ticks_end = -1;
    double cpu_start = 0, cpu_end = 0;
    struct epoll_event events[MAX_EVENTS];
    int64_t last_loss_scan = start;
    while (1) {
        int64_t t = now_ns();
        if (!measuring && t >= window_start) {
            measuring = 1;
            echoes = losses = mismatches = 0;
            ticks_start = server_pid ? process_ticks(server_pid, NULL) : -1;
            cpu_start = own_cpu_s();
        }
        if (measuring && t >= window_end) {
            ticks_end = server_pid ? process_ticks(server_pid, NULL) : -1;
            cpu_end = own_cpu_s();
            break;
        }
        int n = epoll_wait(ep, events, MAX_EVENTS, 20);
        for (int e = 0; e < n; e++) {
            flow *f = &all[events[e].data.u32];
            while (1) {
                ssize_t got = recv(f->fd, in_buf, MAX_PAYLOAD + 1, 0);
                if (got < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                    if (errno == ECONNREFUSED) continue; /* server not up yet or restarting */
                    die("recv: %s", strerror(errno));
                }
                uint32_t seq;
                if (got < 4) { mismatches++; continue; }
                memcpy(&seq, in_buf, 4);
                if (seq != f->seq) continue; /* a late echo of a datagram already counted lost */
                fill(out_buf, size, seq);
                if (got != size || memcmp(in_buf, out_buf, size)) mismatches++;
                else echoes++;
                send_next(f, size);
            }
        }
        t = now_ns();
        if (t - last_loss_scan > LOSS_MS * 1000000LL / 4) {
            last_loss_scan = t;
            for (int i = 0; i < flows; i++) {
                if (t - all[i].sent_at > LOSS_MS * 1000000LL) {
                    losses++;
                    send_next(&all[i], size);
                }
            }
        }
    }
    double secs = duration;
    double per_s = echoes / secs;
    double server_cpu_s = ticks_start >= 0 && ticks_end >= 0
            ? (double)(ticks_end - ticks_start) / sysconf(_SC_CLK_TCK) : -1;
    printf("flows %d, %d-byte datagrams, %.1f s: %.0f echoes/s (%.0f datagrams/s through the server), "
           "%lld lost, %lld corrupt, client CPU %.2f s, server CPU %.2f s\n",
           flows, size, secs, per_s, 2 * per_s, losses, mismatches, cpu_end - cpu_start, server_cpu_s);
    printf("RESULT flows=%d size=%d echoes_per_s=%.0f dgrams_per_s=%.0f lost=%lld corrupt=%lld "
           "client_cpu_s=%.3f server_cpu_s=%.3f echoes_per_server_cpu_s=%.0f\n",
           flows, size, per_s, 2 * per_s, losses, mismatches, cpu_end - cpu_start, server_cpu_s,
           server_cpu_s > 0 ? echoes / server_cpu_s : -1);
    return mismatches ? 2 : 0;
}
