package dev.weft.samples;

import dev.weft.WeftFile;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * N virtual threads on one large file: random 4 KiB reads, and every {@value #READS_PER_APPEND}
 * reads one 64 KiB append, for a fixed time; weft's {@link WeftFile} or the JDK's
 * {@link FileChannel}. Prints one line: operations per second, the platform threads the JVM had
 * at its peak and how many of them were virtual-thread carriers, and the peak of the OS's thread
 * count for the process (Linux; it includes io_uring's kernel workers, which the JVM does not see). A FileChannel read pins its
 * carrier, and the JDK starts extra carriers to make up for it; a weft read parks.
 *
 * <pre>
 * java -cp target/classes:target/test-classes dev.weft.samples.FileBench weft|jdk FILE THREADS SECONDS
 * </pre>
 *
 * The file must exist (bench/files.sh makes a 1 GiB one); reads fall in its first
 * {@code size()} bytes as found at the start, appends grow it.
 */
public final class FileBench {
    static final int READ_SIZE = 4096;
    static final int APPEND_SIZE = 64 * 1024;
    static final int READS_PER_APPEND = 16;

    /** One implementation's two calls. */
    interface Target extends AutoCloseable {
        int read(ByteBuffer dst, long position) throws IOException;

        void append(ByteBuffer src) throws IOException;

        long size() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: FileBench weft|jdk FILE THREADS SECONDS");
            System.exit(2);
        }
        String impl = args[0];
        Path path = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int threadsBefore = mx.getThreadCount();
        try (WeftRuntime weft = impl.equals("weft") ? WeftRuntime.open() : null;
             Target target = impl.equals("weft") ? weftTarget(weft, path) : jdkTarget(path)) {
            int threadsIdle = mx.getThreadCount();
            long readable = target.size() - READ_SIZE;
            LongAdder reads = new LongAdder();
            LongAdder appends = new LongAdder();
            CarrierSampler sampler = new CarrierSampler(mx);
            sampler.start();
            mx.resetPeakThreadCount();
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            List<Thread> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                workers.add(Thread.ofVirtual().start(() -> work(target, readable, seed, deadline, reads, appends)));
            }
            for (Thread worker : workers) {
                worker.join();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            sampler.stopAndJoin();
            System.out.printf("impl=%s threads=%d seconds=%.1f reads/s=%.0f appends/s=%.0f MB/s=%.1f "
                            + "platformThreads(before=%d idle=%d peak=%d) carriersPeak=%d osThreadsPeak=%d%n",
                    impl, threads, elapsed, reads.sum() / elapsed, appends.sum() / elapsed,
                    (reads.sum() * (double) READ_SIZE + appends.sum() * (double) APPEND_SIZE) / elapsed / 1e6,
                    threadsBefore, threadsIdle, mx.getPeakThreadCount(), sampler.peakCarriers(),
                    sampler.peakOsThreads());
        }
    }

    private static void work(Target target, long readable, int seed, long deadline, LongAdder reads,
                             LongAdder appends) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_SIZE);
        ByteBuffer appendBuffer = ByteBuffer.allocateDirect(APPEND_SIZE);
        try {
            int n = 0;
            while (System.nanoTime() - deadline < 0) {
                if (++n % READS_PER_APPEND == 0) {
                    target.append(appendBuffer.clear());
                    appends.increment();
                } else {
                    long position = random.nextLong(readable) & ~(READ_SIZE - 1L); // 4 KiB aligned
                    if (target.read(readBuffer.clear(), position) <= 0) {
                        throw new IllegalStateException("nothing read at " + position);
                    }
                    reads.increment();
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Target weftTarget(WeftRuntime weft, Path path) throws IOException {
        WeftFile file = weft.openFile(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        WeftFile log = weft.openFile(path, StandardOpenOption.APPEND);
        var appender = log.channel();
        return new Target() {
            public int read(ByteBuffer dst, long position) throws IOException {
                return file.read(dst, position);
            }

            public void append(ByteBuffer src) throws IOException {
                appender.write(src);
            }

            public long size() throws IOException {
                return file.size();
            }

            public void close() {
                file.close();
                log.close();
            }
        };
    }

    private static Target jdkTarget(Path path) throws IOException {
        FileChannel file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel log = FileChannel.open(path, StandardOpenOption.APPEND);
        return new Target() {
            public int read(ByteBuffer dst, long position) throws IOException {
                return file.read(dst, position);
            }

            public void append(ByteBuffer src) throws IOException {
                while (src.hasRemaining()) {
                    log.write(src);
                }
            }

            public long size() throws IOException {
                return file.size();
            }

            public void close() throws IOException {
                file.close();
                log.close();
            }
        };
    }

    /** Counts, every 10 ms, the live platform threads that carry virtual threads; keeps the peak. */
    private static final class CarrierSampler extends Thread {
        private final ThreadMXBean mx;
        private volatile boolean stop;
        private int peak;
        private int peakTasks;

        CarrierSampler(ThreadMXBean mx) {
            super("carrier-sampler");
            setDaemon(true);
            this.mx = mx;
        }

        @Override
        public void run() {
            while (!stop) {
                int carriers = 0;
                for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
                    if (info != null && isCarrier(info.getThreadName())) {
                        carriers++;
                    }
                }
                peak = Math.max(peak, carriers);
                peakTasks = Math.max(peakTasks, osThreads());
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** The virtual-thread scheduler's workers: "ForkJoinPool-N-worker-M" (not the common pool's). */
        private static boolean isCarrier(String name) {
            return name.startsWith("ForkJoinPool-") && name.contains("-worker-");
        }

        void stopAndJoin() throws InterruptedException {
            stop = true;
            join();
        }

        int peakCarriers() {
            return peak;
        }

        /** Peak of the OS's thread count for this process, kernel workers included (-1 without /proc). */
        int peakOsThreads() {
            return peakTasks;
        }

        /** /proc/self/task: every thread of the process, io_uring's kernel workers too (ThreadMXBean sees JVM threads only). */
        private static int osThreads() {
            String[] tasks = new java.io.File("/proc/self/task").list();
            return tasks == null ? -1 : tasks.length;
        }
    }
}
