/*
 * pingpong: the load client of bench/run.sh. One thread, one epoll set, N connections; each
 * connection sends S bytes, waits for the S-byte echo, checks every byte, and starts again.
 * Written in C so that the client costs far less CPU than the server it measures (on a 2-core
 * machine the two share the cores).
 *
 *   pingpong [-c CONNS] [-s BYTES] [-w WARMUP_S] [-d DURATION_S] [--server-pid PID] HOST:PORT
 *   pingpong --idle -c CONNS -d SECONDS HOST:PORT   open CONNS, print READY, hold them, close
 *   pingpong --once -c CONNS [-s BYTES] HOST:PORT   each connection: connect, one echo, close
 *
 * The measured window starts after the warm-up: round trips, latencies, the client's CPU (getrusage)
 * and the server's CPU ticks (utime+stime of /proc/PID/stat) are all counted from that instant to
 * its end, so "round trips per server CPU-second" compares like with like. Latencies are of the
 * round trips begun inside the window (those begun in the warm-up are counted, and their longest
 * reported, apart), in a log-linear histogram (about 3 % resolution), so 10,000 connections cost
 * no memory per sample. How evenly the server served the connections is counted too: each
 * connection's round trips inside the window, reported as their minimum, 1st percentile, median and
 * maximum (a tail in the latencies with even counts means the order of service changes from one
 * pass over the connections to the next; a low minimum means some connection is kept waiting).
 * The last line is machine-readable: RESULT key=value ...
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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

/* Connections whose connect() is still in progress at one time: below every server's backlog. */
#define CONNECT_BATCH 100
/* Payload offsets cycle through this many positions of the pattern, so each echo differs from the last. */
#define PATTERN_SHIFTS 251
#define MAX_EVENTS 512
/* After the window ends, round trips already sent get this long to come back before we call it a loss. */
#define DRAIN_NS (5 * 1000000000LL)

/* ---- latency histogram: values in ns, bucket = (power of two, 32 linear sub-buckets) ---- */

#define SUB_BITS 5
#define SUB_COUNT (1 << SUB_BITS)
#define BUCKETS ((64 - SUB_BITS + 1) * SUB_COUNT)

typedef struct {
    uint64_t counts[BUCKETS];
    uint64_t total;
    uint64_t max;
} histogram;

static int bucket_of(uint64_t v) {
    if (v < SUB_COUNT) return (int)v;
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - SUB_BITS;
    return (shift + 1) * SUB_COUNT + (int)((v >> shift) & (SUB_COUNT - 1));
}

/* The largest value that falls into bucket b: a percentile is reported as its bucket's upper edge. */
static uint64_t bucket_top(int b) {
    if (b < SUB_COUNT) return (uint64_t)b;
    int shift = b / SUB_COUNT - 1;
    uint64_t base = (uint64_t)(SUB_COUNT + b % SUB_COUNT) << shift;
    return base + ((1ULL << shift) - 1);
}

static void histogram_add(histogram *h, uint64_t v) {
    h->counts[bucket_of(v)]++;
    h->total++;
    if (v > h->max) h->max = v;
}

static uint64_t histogram_percentile(const histogram *h, double p) {
    if (h->total == 0) return 0;
    uint64_t rank = (uint64_t)(p / 100.0 * (double)h->total + 0.5);
    if (rank < 1) rank = 1;
    uint64_t seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= rank) return bucket_top(b) < h->max ? bucket_top(b) : h->max;
    }
    return h->max;
}

/* ---- options ---- */

typedef enum { MODE_PINGPONG, MODE_IDLE, MODE_ONCE } run_mode;

typedef struct {
    run_mode mode;
    int conns;
    int size;
    double warmup_s;
    double duration_s;
    int server_pid;
    struct sockaddr_in addr;
    char target[256];
} options;

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "pingpong: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static void usage(void) {
    die("usage: pingpong [--idle|--once] [-c CONNS] [-s BYTES] [-w WARMUP_S] [-d DURATION_S] "
        "[--server-pid PID] HOST:PORT");
}

static void resolve(const char *target, struct sockaddr_in *addr) {
    char host[256];
    const char *colon = strrchr(target, ':');
    if (!colon || colon == target || (size_t)(colon - target) >= sizeof host) usage();
    memcpy(host, target, (size_t)(colon - target));
    host[colon - target] = 0;
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *found;
    int rc = getaddrinfo(host, colon + 1, &hints, &found);
    if (rc != 0) die("cannot resolve %s: %s", target, gai_strerror(rc));
    memcpy(addr, found->ai_addr, sizeof *addr);
    freeaddrinfo(found);
}

static options parse(int argc, char **argv) {
    options o = {.mode = MODE_PINGPONG, .conns = 100, .size = 64, .warmup_s = 2, .duration_s = 5};
    const char *target = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(a, "--idle")) o.mode = MODE_IDLE;
        else if (!strcmp(a, "--once")) o.mode = MODE_ONCE;
        else if (!strcmp(a, "-c") && has_value) o.conns = atoi(argv[++i]);
        else if (!strcmp(a, "-s") && has_value) o.size = atoi(argv[++i]);
        else if (!strcmp(a, "-w") && has_value) o.warmup_s = atof(argv[++i]);
        else if (!strcmp(a, "-d") && has_value) o.duration_s = atof(argv[++i]);
        else if (!strcmp(a, "--server-pid") && has_value) o.server_pid = atoi(argv[++i]);
        else if (a[0] != '-' && !target) target = a;
        else usage();
    }
    if (!target || o.conns < 1 || o.size < 1 || o.warmup_s < 0 || o.duration_s < 0) usage();
    snprintf(o.target, sizeof o.target, "%s", target);
    resolve(target, &o.addr);
    return o;
}

/* ---- limits (clocks and CPU time are in cpu.h) ---- */

static void raise_fd_limit(int needed) {
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0) return;
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
    if ((rlim_t)needed > r.rlim_cur)
        die("%d connections need %d descriptors; the hard limit is %llu", needed - 16, needed,
            (unsigned long long)r.rlim_cur);
}

/* ---- connections ---- */

typedef struct {
    int fd;
    int sent;        /* bytes of this round trip written so far */
    int received;    /* bytes of the echo read and checked so far */
    int shift;       /* this round trip's payload starts at pattern + shift */
    int busy;        /* a round trip is in flight */
    int want_out;    /* registered for EPOLLOUT because a write was short */
    int64_t started; /* when this round trip's first byte was written */
    uint32_t in_window; /* round trips of this connection completed inside the measured window */
} conn;

static int epfd;
static unsigned char *pattern; /* size + PATTERN_SHIFTS bytes of noise */
static unsigned char *scratch; /* read buffer, shared: every chunk is checked at once */

static void watch(conn *c, int op, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(epfd, op, c->fd, &ev) != 0) die("epoll_ctl: %s", strerror(errno));
}

/* Opens all connections, CONNECT_BATCH at a time, each batch fully connected before the next. */
static conn *connect_all(const options *o) {
    conn *conns = calloc((size_t)o->conns, sizeof *conns);
    struct epoll_event events[MAX_EVENTS];
    int64_t began = now_ns();
    for (int first = 0; first < o->conns; first += CONNECT_BATCH) {
        int last = first + CONNECT_BATCH < o->conns ? first + CONNECT_BATCH : o->conns;
        int pending = 0;
        for (int i = first; i < last; i++) {
            conn *c = &conns[i];
            c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (c->fd < 0) die("socket: %s (connection %d)", strerror(errno), i);
            int one = 1;
            setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (connect(c->fd, (struct sockaddr *)&o->addr, sizeof o->addr) == 0) {
                watch(c, EPOLL_CTL_ADD, EPOLLIN);
            } else if (errno == EINPROGRESS) {
                watch(c, EPOLL_CTL_ADD, EPOLLOUT);
                pending++;
            } else {
                die("connect %s: %s (connection %d)", o->target, strerror(errno), i);
            }
        }
        while (pending > 0) {
            int n = epoll_wait(epfd, events, MAX_EVENTS, 10000);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) die("connect %s: %d connections still pending after 10 s", o->target, pending);
            for (int e = 0; e < n; e++) {
                conn *c = events[e].data.ptr;
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err) die("connect %s: %s (connection %ld)", o->target, strerror(err), (long)(c - conns));
                watch(c, EPOLL_CTL_MOD, EPOLLIN);
                pending--;
            }
        }
    }
    fprintf(stderr, "connected %d in %.2f s\n", o->conns, (now_ns() - began) / 1e9);
    return conns;
}

static void fail(const conn *c, const conn *base, const char *what) {
    die("connection %ld: %s", (long)(c - base), what);
}

/* Writes what is left of the round trip; asks for EPOLLOUT only while a write is short. */
static void push(conn *c, const conn *base, int size) {
    while (c->sent < size) {
        ssize_t n = write(c->fd, pattern + c->shift + c->sent, (size_t)(size - c->sent));
        if (n > 0) {
            c->sent += (int)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            fail(c, base, n == 0 ? "write returned 0" : strerror(errno));
        }
    }
    int want_out = c->sent < size;
    if (want_out != c->want_out) {
        c->want_out = want_out;
        watch(c, EPOLL_CTL_MOD, want_out ? EPOLLIN | EPOLLOUT : EPOLLIN);
    }
}

static void start_round_trip(conn *c, const conn *base, int size, int64_t now) {
    c->busy = 1;
    c->sent = 0;
    c->received = 0;
    c->shift = (c->shift + 1) % PATTERN_SHIFTS;
    c->started = now;
    push(c, base, size);
}

/* Reads and checks what has arrived; returns 1 when the whole echo is in. */
static int pull(conn *c, const conn *base, int size) {
    while (c->received < size) {
        ssize_t n = read(c->fd, scratch, (size_t)(size - c->received));
        if (n > 0) {
            if (!c->busy || c->received + n > c->sent)
                fail(c, base, "the server sent bytes that were never sent to it");
            if (memcmp(scratch, pattern + c->shift + c->received, (size_t)n) != 0)
                fail(c, base, "the echo differs from what was sent");
            c->received += (int)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            fail(c, base, n == 0 ? "the server closed the connection" : strerror(errno));
        }
    }
    return 1;
}

/* A connection with no round trip in flight should stay silent: bytes, EOF or an error are failures. */
static void check_quiet(conn *c, const conn *base) {
    unsigned char extra;
    ssize_t n = read(c->fd, &extra, 1);
    if (n > 0) fail(c, base, "the server sent bytes that were never sent to it");
    if (n == 0) fail(c, base, "the server closed the connection");
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) fail(c, base, strerror(errno));
}

/* ---- the modes ---- */

static void run_idle(const options *o) {
    conn *conns = connect_all(o);
    printf("READY %d idle connections\n", o->conns);
    fflush(stdout);
    struct timespec hold = {.tv_sec = (time_t)o->duration_s,
                            .tv_nsec = (long)((o->duration_s - (double)(time_t)o->duration_s) * 1e9)};
    while (nanosleep(&hold, &hold) != 0 && errno == EINTR) {}
    for (int i = 0; i < o->conns; i++) close(conns[i].fd);
    printf("closed %d idle connections\n", o->conns);
}

typedef struct {
    uint64_t *per_second;      /* round trips completed in each second since the load started */
    int seconds_tracked;
    uint64_t round_trips;      /* completed inside the measured window */
    uint64_t all_round_trips;  /* completed at any time, warm-up and drain included */
    histogram latency;         /* of round trips begun and finished inside the window */
    uint64_t straddling;       /* begun in the warm-up, finished inside the window: not in latency */
    uint64_t straddling_max_ns;
    double seconds, client_cpu_s;
    long long server_ticks;    /* -1 if not measured */
    long long server_user_ticks; /* the part of server_ticks spent in user space */
    uint32_t fairness[4];      /* round trips per connection in the window: min, 1st percentile, median, max */
} outcome;

static int compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* How evenly the server served the connections: a fair server gives each about as many round
 * trips; one it keeps coming back to late shows as a low 1st percentile or minimum. */
static void measure_fairness(const conn *conns, int count, outcome *out) {
    uint32_t *counts = malloc(sizeof(uint32_t) * (size_t)count);
    if (!counts) die("out of memory");
    for (int i = 0; i < count; i++) counts[i] = conns[i].in_window;
    qsort(counts, (size_t)count, sizeof(uint32_t), compare_u32);
    out->fairness[0] = counts[0];
    out->fairness[1] = counts[count / 100];
    out->fairness[2] = counts[count / 2];
    out->fairness[3] = counts[count - 1];
    free(counts);
}

/* Drives every connection until the window closes and every round trip in flight is back. */
static void run_load(const options *o, conn *conns, outcome *out) {
    struct epoll_event events[MAX_EVENTS];
    int64_t start = now_ns();
    int64_t window_start = start + (int64_t)(o->warmup_s * 1e9);
    int64_t window_end = window_start + (int64_t)(o->duration_s * 1e9);
    int measuring = o->mode == MODE_PINGPONG && o->warmup_s == 0;
    int stopping = 0;
    int in_flight = o->conns;
    double cpu_at_start = own_cpu_s();
    long long user_at_start = 0;
    long long ticks_at_start = o->server_pid ? process_ticks(o->server_pid, &user_at_start) : -1;
    int64_t measured_from = start;

    for (int i = 0; i < o->conns; i++) start_round_trip(&conns[i], conns, o->size, now_ns());

    while (in_flight > 0) {
        int64_t now = now_ns();
        if (o->mode == MODE_PINGPONG && !measuring && !stopping && now >= window_start) {
            measuring = 1;
            measured_from = now;
            cpu_at_start = own_cpu_s();
            ticks_at_start = o->server_pid ? process_ticks(o->server_pid, &user_at_start) : -1;
        }
        if (o->mode == MODE_PINGPONG && !stopping && now >= window_end) {
            long long user_at_end = 0;
            long long ticks_at_end = o->server_pid ? process_ticks(o->server_pid, &user_at_end) : -1;
            out->seconds = (now - measured_from) / 1e9;
            out->client_cpu_s = own_cpu_s() - cpu_at_start;
            out->server_ticks = ticks_at_start >= 0 && ticks_at_end >= 0 ? ticks_at_end - ticks_at_start : -1;
            out->server_user_ticks = user_at_end - user_at_start;
            measuring = 0;
            stopping = 1;
        }
        if (stopping && now >= window_end + DRAIN_NS)
            die("%d round trips still unanswered %.0f s after the window closed", in_flight, DRAIN_NS / 1e9);

        int64_t deadline = stopping ? window_end + DRAIN_NS : (measuring ? window_end : window_start);
        int timeout_ms = o->mode == MODE_ONCE ? 10000 : (int)((deadline - now) / 1000000 + 1);
        int n = epoll_wait(epfd, events, MAX_EVENTS, timeout_ms);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("epoll_wait: %s", strerror(errno));
        if (n == 0 && o->mode == MODE_ONCE) die("%d echoes still unanswered after 10 s", in_flight);
        for (int e = 0; e < n; e++) {
            conn *c = events[e].data.ptr;
            if ((events[e].events & EPOLLOUT) && c->busy) push(c, conns, o->size);
            if (!(events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
            if (!c->busy) {
                check_quiet(c, conns);
                continue;
            }
            if (!pull(c, conns, o->size)) continue;
            now = now_ns();
            c->busy = 0;
            out->all_round_trips++;
            int second = (int)((now - start) / 1000000000LL);
            if (second < out->seconds_tracked) out->per_second[second]++;
            if (measuring) {
                out->round_trips++;
                c->in_window++;
                uint64_t took = (uint64_t)(now - c->started);
                /* One that began in the warm-up belongs to it: a stall of the server's first
                 * seconds (seen: 9.7 s, while the JDK's echo ran one carrier with a p99.9 of
                 * 18 ms inside the window) would otherwise land in the window's tail. */
                if (c->started >= measured_from) {
                    histogram_add(&out->latency, took);
                } else {
                    out->straddling++;
                    if (took > out->straddling_max_ns) out->straddling_max_ns = took;
                }
            }
            if (o->mode == MODE_ONCE || stopping) {
                in_flight--;
                if (o->mode == MODE_ONCE) {
                    close(c->fd);
                    c->fd = -1;
                }
            } else {
                start_round_trip(c, conns, o->size, now);
            }
        }
    }
    if (o->mode == MODE_PINGPONG) measure_fairness(conns, o->conns, out);
}

static void report(const options *o, const outcome *r) {
    double rt_per_s = r->seconds > 0 ? r->round_trips / r->seconds : 0;
    double us[4] = {histogram_percentile(&r->latency, 50) / 1e3, histogram_percentile(&r->latency, 99) / 1e3,
                    histogram_percentile(&r->latency, 99.9) / 1e3, r->latency.max / 1e3};
    double client_pct = r->seconds > 0 ? 100 * r->client_cpu_s / r->seconds : 0;
    double server_cpu_s = r->server_ticks >= 0 ? (double)r->server_ticks / (double)sysconf(_SC_CLK_TCK) : -1;
    double server_pct = server_cpu_s >= 0 && r->seconds > 0 ? 100 * server_cpu_s / r->seconds : -1;
    double rt_per_cpu = server_cpu_s > 0 ? r->round_trips / server_cpu_s : -1;

    printf("pingpong: %d connections x %d B to %s, warmup %.1f s, measured %.2f s\n", o->conns, o->size,
           o->target, o->warmup_s, r->seconds);
    printf("throughput: %.0f round trips/s, %.2f MB/s each way\n", rt_per_s, rt_per_s * o->size / 1e6);
    printf("latency: p50 %.1f us, p99 %.1f us, p999 %.1f us, max %.1f us\n", us[0], us[1], us[2], us[3]);
    printf("begun in the warm-up, finished in the window (not in the latencies): %" PRIu64
           " round trips, the longest %.1f us\n", r->straddling, r->straddling_max_ns / 1e3);
    printf("client CPU: %.0f%% of one core, %.2f us per round trip\n", client_pct,
           r->round_trips ? 1e6 * r->client_cpu_s / r->round_trips : 0);
    /* server CPU per round trip, split into user space and kernel: where a server's cost differs */
    double tick_us = 1e6 / (double)sysconf(_SC_CLK_TCK);
    double user_us = r->round_trips ? tick_us * (double)r->server_user_ticks / (double)r->round_trips : -1;
    double sys_us = r->round_trips ? tick_us * (double)(r->server_ticks - r->server_user_ticks) / (double)r->round_trips : -1;
    if (server_pct >= 0)
        printf("server CPU: %.0f%% of one core, %.0f round trips per server CPU-second; per round trip "
               "%.2f us in user space + %.2f us in the kernel\n", server_pct, rt_per_cpu, user_us, sys_us);
    /* warm-up and drift show here: a window still climbing means the warm-up was too short */
    printf("per second:");
    for (int i = 0; i < r->seconds_tracked && i < o->warmup_s + o->duration_s; i++) printf(" %" PRIu64, r->per_second[i]);
    printf(" (round trips in each second from the start; the window starts at %.1f s)\n", o->warmup_s);
    if (o->mode == MODE_PINGPONG)
        printf("round trips per connection in the window: min %u, 1st percentile %u, median %u, max %u\n",
               r->fairness[0], r->fairness[1], r->fairness[2], r->fairness[3]);
    printf("verified: %" PRIu64 " round trips (%" PRIu64 " with warm-up and drain), every byte checked, "
           "%d connections intact\n", r->round_trips, r->all_round_trips, o->conns);
    printf("RESULT conns=%d size=%d rt_per_s=%.0f mb_per_s=%.2f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f "
           "client_cpu_pct=%.1f", o->conns, o->size, rt_per_s, rt_per_s * o->size / 1e6, us[0], us[1], us[2], us[3],
           client_pct);
    if (server_pct >= 0)
        printf(" server_cpu_pct=%.1f rt_per_server_cpu_s=%.0f server_user_us_per_rt=%.2f server_sys_us_per_rt=%.2f",
               server_pct, rt_per_cpu, user_us, sys_us);
    printf(" total_rt=%" PRIu64 " straddling_rt=%" PRIu64 " straddling_max_us=%.1f", r->all_round_trips,
           r->straddling, r->straddling_max_ns / 1e3);
    if (o->mode == MODE_PINGPONG)
        printf(" conn_rt_min=%u conn_rt_p1=%u conn_rt_median=%u conn_rt_max=%u", r->fairness[0], r->fairness[1],
               r->fairness[2], r->fairness[3]);
    printf("\n");
}

int main(int argc, char **argv) {
    options o = parse(argc, argv);
    raise_fd_limit(o.conns + 16);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) die("epoll_create1: %s", strerror(errno));
    if (o.mode == MODE_IDLE) {
        run_idle(&o);
        return 0;
    }
    pattern = malloc((size_t)o.size + PATTERN_SHIFTS);
    scratch = malloc((size_t)o.size);
    srandom(42);
    for (int i = 0; i < o.size + PATTERN_SHIFTS; i++) pattern[i] = (unsigned char)random();

    conn *conns = connect_all(&o);
    static outcome result = {.server_ticks = -1};
    result.seconds_tracked = (int)(o.warmup_s + o.duration_s) + 2 + (int)(DRAIN_NS / 1000000000LL);
    result.per_second = calloc((size_t)result.seconds_tracked, sizeof *result.per_second);
    run_load(&o, conns, &result);
    if (o.mode == MODE_ONCE) {
        printf("churned %d connections: connect, one %d-byte echo checked, close\n", o.conns, o.size);
        return 0;
    }
    report(&o, &result);
    for (int i = 0; i < o.conns; i++) close(conns[i].fd);
    return 0;
}
