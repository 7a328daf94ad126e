package dev.weft.bindings.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * glibc functions weft calls, in the shape jextract generates: one static method handle per
 * function and a thin invoker. Every function captures {@code errno} into a segment of
 * {@link #CAPTURE_STATE_LAYOUT} passed as the first argument, read it back with {@link #errno}.
 *
 * <p>The io_uring system calls have no glibc wrapper; they go through the variadic
 * {@code long syscall(long number, ...)} with every variadic argument passed as a {@code long}
 * or a pointer, because glibc reads them back with {@code va_arg(ap, long)}.
 */
public final class LibC {
    private LibC() { }

    private static final Linker LINKER = Linker.nativeLinker();

    /** Layout of the segment the errno capture writes into. */
    public static final StructLayout CAPTURE_STATE_LAYOUT = Linker.Option.captureStateLayout();

    private static final VarHandle errno$VH = CAPTURE_STATE_LAYOUT.varHandle(groupElement("errno"));

    /** The errno captured by the last call that was given {@code captureState}. */
    public static int errno(MemorySegment captureState) {
        return (int) errno$VH.get(captureState, 0L);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private static AssertionError unexpected(Throwable t) {
        return new AssertionError("should not reach here", t);
    }

    // ---- int sched_getcpu(void) ----

    // No errno capture, and "critical": glibc answers from the thread's rseq area without a
    // system call, so the call skips the thread-state transition a downcall normally makes.
    private static final MethodHandle sched_getcpu$MH = LINKER.downcallHandle(
            LINKER.defaultLookup().find("sched_getcpu")
                    .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: sched_getcpu")),
            FunctionDescriptor.of(JAVA_INT), Linker.Option.critical(false));

    /** {@code sched_getcpu()}: the CPU the calling thread runs on now, or -1. */
    public static int sched_getcpu() {
        try {
            return (int) sched_getcpu$MH.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- long syscall(long number, ...) shaped for the io_uring calls ----

    private static final MethodHandle io_uring_setup$MH = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(1));

    private static final MethodHandle io_uring_enter$MH = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    private static final MethodHandle io_uring_register$MH = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    /** {@code syscall(SYS_io_uring_setup, entries, params)}. */
    public static long io_uring_setup(MemorySegment captureState, long entries, MemorySegment params) {
        try {
            return (long) io_uring_setup$MH.invokeExact(captureState, Syscall.SYS_io_uring_setup,
                    entries, params);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code syscall(SYS_io_uring_enter, fd, to_submit, min_complete, flags, sig, sigsz)}. */
    public static long io_uring_enter(MemorySegment captureState, long fd, long to_submit,
                                      long min_complete, long flags, MemorySegment sig, long sigsz) {
        try {
            return (long) io_uring_enter$MH.invokeExact(captureState, Syscall.SYS_io_uring_enter,
                    fd, to_submit, min_complete, flags, sig, sigsz);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code syscall(SYS_io_uring_register, fd, opcode, arg, nr_args)}. */
    public static long io_uring_register(MemorySegment captureState, long fd, long opcode,
                                         MemorySegment arg, long nr_args) {
        try {
            return (long) io_uring_register$MH.invokeExact(captureState,
                    Syscall.SYS_io_uring_register, fd, opcode, arg, nr_args);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- <sys/mman.h> ----

    private static final MethodHandle mmap$MH = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));

    private static final MethodHandle munmap$MH = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)}. */
    public static MemorySegment mmap(MemorySegment captureState, MemorySegment addr, long length,
                                     int prot, int flags, int fd, long offset) {
        try {
            return (MemorySegment) mmap$MH.invokeExact(captureState, addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int munmap(void *addr, size_t length)}. */
    public static int munmap(MemorySegment captureState, MemorySegment addr, long length) {
        try {
            return (int) munmap$MH.invokeExact(captureState, addr, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- <sys/socket.h>, <unistd.h> ----

    private static final MethodHandle socket$MH = downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle bind$MH = downcall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle connect$MH = downcall("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle listen$MH = downcall("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle setsockopt$MH = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle getsockopt$MH = downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle getsockname$MH = downcall("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle getpeername$MH = downcall("getpeername",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle shutdown$MH = downcall("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle close$MH = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle sendmsg$MH = downcall("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle recvmsg$MH = downcall("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    // "critical", heap access allowed: a byte[]'s segment goes to the kernel as it is, with no
    // copy into native memory and no thread-state transition. The calling thread holds off
    // safepoints (and so the garbage collector) until the call returns, which is why only a
    // send that cannot wait (MSG_DONTWAIT) may use it.
    private static final MethodHandle sendWithoutWaiting$MH = downcall("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
            Linker.Option.critical(true));

    /** eventfd(2) flags. */
    public static final int EFD_CLOEXEC = 02000000;

    private static final MethodHandle eventfd$MH = downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle write$MH = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    /** {@code int eventfd(unsigned int initval, int flags)}. */
    public static int eventfd(MemorySegment captureState, int initval, int flags) {
        try {
            return (int) eventfd$MH.invokeExact(captureState, initval, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final MethodHandle read$MH = downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle poll$MH = downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    /** {@code ssize_t read(int fd, void *buf, size_t count)}. */
    public static long read(MemorySegment captureState, int fd, MemorySegment buf, long count) {
        try {
            return (long) read$MH.invokeExact(captureState, fd, buf, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}; timeout in ms, -1 for none. */
    public static int poll(MemorySegment captureState, MemorySegment fds, long nfds, int timeout) {
        try {
            return (int) poll$MH.invokeExact(captureState, fds, nfds, timeout);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count)}. */
    public static long write(MemorySegment captureState, int fd, MemorySegment buf, long count) {
        try {
            return (long) write$MH.invokeExact(captureState, fd, buf, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code ssize_t send(int sockfd, const void *buf, size_t len, int flags)} for a send that
     * never blocks: {@code flags} must hold MSG_DONTWAIT. {@code buf} may be heap memory (a
     * {@code byte[]}'s segment) or native memory; it is read during the call only.
     */
    public static long sendWithoutWaiting(MemorySegment captureState, int sockfd, MemorySegment buf, long len,
                                          int flags) {
        if ((flags & Socket.MSG_DONTWAIT) == 0) {
            throw new IllegalArgumentException("a send that may block must not hold off the garbage collector");
        }
        try {
            return (long) sendWithoutWaiting$MH.invokeExact(captureState, sockfd, buf, len, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags)}. */
    public static long sendmsg(MemorySegment captureState, int sockfd, MemorySegment msg, int flags) {
        try {
            return (long) sendmsg$MH.invokeExact(captureState, sockfd, msg, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags)}. */
    public static long recvmsg(MemorySegment captureState, int sockfd, MemorySegment msg, int flags) {
        try {
            return (long) recvmsg$MH.invokeExact(captureState, sockfd, msg, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int socket(int domain, int type, int protocol)}. */
    public static int socket(MemorySegment captureState, int domain, int type, int protocol) {
        try {
            return (int) socket$MH.invokeExact(captureState, domain, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen)}. */
    public static int bind(MemorySegment captureState, int sockfd, MemorySegment addr, int addrlen) {
        try {
            return (int) bind$MH.invokeExact(captureState, sockfd, addr, addrlen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen)}; used for
     * datagram sockets only, where it just records the peer and never waits.
     */
    public static int connect(MemorySegment captureState, int sockfd, MemorySegment addr, int addrlen) {
        try {
            return (int) connect$MH.invokeExact(captureState, sockfd, addr, addrlen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int listen(int sockfd, int backlog)}. */
    public static int listen(MemorySegment captureState, int sockfd, int backlog) {
        try {
            return (int) listen$MH.invokeExact(captureState, sockfd, backlog);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)}. */
    public static int setsockopt(MemorySegment captureState, int fd, int level, int optname,
                                 MemorySegment optval, int optlen) {
        try {
            return (int) setsockopt$MH.invokeExact(captureState, fd, level, optname, optval, optlen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)}. */
    public static int getsockopt(MemorySegment captureState, int fd, int level, int optname,
                                 MemorySegment optval, MemorySegment optlen) {
        try {
            return (int) getsockopt$MH.invokeExact(captureState, fd, level, optname, optval, optlen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen)}. */
    public static int getsockname(MemorySegment captureState, int fd, MemorySegment addr,
                                  MemorySegment addrlen) {
        try {
            return (int) getsockname$MH.invokeExact(captureState, fd, addr, addrlen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen)}. */
    public static int getpeername(MemorySegment captureState, int fd, MemorySegment addr,
                                  MemorySegment addrlen) {
        try {
            return (int) getpeername$MH.invokeExact(captureState, fd, addr, addrlen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int shutdown(int fd, int how)}. */
    public static int shutdown(MemorySegment captureState, int fd, int how) {
        try {
            return (int) shutdown$MH.invokeExact(captureState, fd, how);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int close(int fd)}. */
    public static int close(MemorySegment captureState, int fd) {
        try {
            return (int) close$MH.invokeExact(captureState, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
