package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Virtual threads for the other side of a test, and waits that fail instead of hanging. Public
 * for the java.net adapter tests (dev.weft.adapter), which use the same helpers.
 */
public final class Background {
    /** The longest any single background step may take before the test fails. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private Background() {
    }

    /** A started virtual thread running {@code task}, with its outcome as a future. */
    public static <T> Task<T> start(String name, Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread = Thread.ofVirtual().name(name).start(future);
        return new Task<>(future, thread);
    }

    /**
     * Like {@link #start} on a platform (daemon) thread: a java.net read with no timeout on a
     * platform thread is a plain blocking recv, the one way the Windows JDK under Wine reports a
     * peer's reset as a reset rather than end of stream.
     */
    static <T> Task<T> startPlatform(String name, Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread = Thread.ofPlatform().name(name).daemon().start(future);
        return new Task<>(future, thread);
    }

    /** The task's result; its exception (unwrapped) is rethrown. */
    public static <T> T await(Future<T> future) throws Exception {
        return await(future, PATIENCE);
    }

    static <T> T await(Future<T> future, Duration patience) throws Exception {
        try {
            return future.get(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("background task still running after " + patience + ": " + future, e);
        }
    }

    /** The exception the task ended with; fails if it returned normally or took too long. */
    public static Throwable failureOf(Future<?> future) throws InterruptedException {
        try {
            Object result = future.get(PATIENCE.toNanos(), TimeUnit.NANOSECONDS);
            throw new AssertionError("expected the task to fail, but it returned " + result);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("task still blocked after " + PATIENCE + ": " + future, e);
        }
    }

    /**
     * Waits until {@code thread} is parked (WAITING or TIMED_WAITING) or has ended, so that a
     * test can act while it is blocked. Tests stay correct if the thread was not blocked yet:
     * this only makes it likely that they exercise the blocked path.
     */
    public static void awaitParked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() - deadline < 0) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                    || state == Thread.State.TERMINATED) {
                return;
            }
            Thread.sleep(1);
        }
        assertThat(thread.getState()).as("state of %s", thread).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
    }

    /**
     * Waits until {@code condition} holds, failing the test after 10 s: for state that another
     * thread (a completion thread, a reaper) settles a moment after the event the test waited for.
     */
    public static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
            Thread.sleep(1);
        }
    }

    /**
     * Waits until a platform thread is inside the native method named {@code method} (a
     * blocking recv shows as RUNNABLE, so its state says nothing), then gives that call a moment
     * to block in the OS. The name matters: on the way to its recv, java.net passes through other
     * native methods (a direct buffer's allocation, the stack walk of this very check), and an
     * event that comes before the recv has started is a different case (see ResetOracle). Like
     * {@link #awaitParked}, only makes the blocked path likely.
     */
    static void awaitInNativeCall(Thread thread, String method) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() - deadline < 0 && thread.isAlive()) {
            StackTraceElement[] stack = thread.getStackTrace();
            if (stack.length > 0 && stack[0].isNativeMethod() && stack[0].getMethodName().equals(method)) {
                Thread.sleep(50);
                return;
            }
            Thread.sleep(1);
        }
    }

    /**
     * Waits until {@code thread} is parked and {@code progress} has stopped moving (a writer
     * whose peer no longer reads). Like {@link #awaitParked}, only makes the blocked path likely.
     */
    static void awaitStalled(Thread thread, java.util.function.LongSupplier progress) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() - deadline < 0) {
            awaitParked(thread);
            long before = progress.getAsLong();
            Thread.sleep(20);
            Thread.State state = thread.getState();
            if (state == Thread.State.TERMINATED
                    || (state == Thread.State.WAITING && progress.getAsLong() == before)) {
                return;
            }
        }
    }

    /** A running virtual thread and its future. */
    public record Task<T>(FutureTask<T> future, Thread thread) implements Future<T> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return future.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean isCancelled() {
            return future.isCancelled();
        }

        @Override
        public boolean isDone() {
            return future.isDone();
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            return future.get();
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return future.get(timeout, unit);
        }

        /** Waits until the thread is parked; see {@link Background#awaitParked}. */
        public Task<T> awaitParked() throws InterruptedException {
            Background.awaitParked(thread);
            return this;
        }

        @Override
        public String toString() {
            return thread + " " + thread.getState();
        }
    }
}
