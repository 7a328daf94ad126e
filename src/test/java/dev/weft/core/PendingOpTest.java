package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.PendingOp.Wake;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The op state machine on its own: the rules every backend relies on. */
@Timeout(30)
class PendingOpTest {

    @Test
    void completionBeforeAwaitIsNotLost() {
        PendingOp op = new PendingOp();
        op.arm();
        op.complete(42); // the kernel finished before the submitter got to park

        assertThat(op.await(0, () -> { throw new AssertionError("no cancel expected"); }))
                .isEqualTo(Wake.COMPLETED);
        assertThat(op.value()).isEqualTo(42);
        assertThat(op.error()).isNull();
    }

    @Test
    void aWaiterThatCompletesItsOwnOpKeepsNoPermit() throws Exception {
        // The kernel often finishes an op inside the call that submits it, on the waiter's own
        // thread. That thread is not parked: unparking it would only leave a permit that makes
        // its next real wait return once for nothing (a wasted wake-up on every round trip).
        CompletableFuture<Long> nextParkNanos = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            PendingOp op = new PendingOp();
            op.arm();
            op.complete(3);
            op.awaitUninterruptibly();
            op.consume();
            long start = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            nextParkNanos.complete(System.nanoTime() - start);
        });

        assertThat(nextParkNanos.get(10, TimeUnit.SECONDS))
                .as("the park after an op the thread completed itself waits its full time")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
    }

    @Test
    void aCancelWhoseCompletionIsLongOverdueIsReportedOnceAndStillWaitedFor() throws Exception {
        long saved = PendingOp.slowCancelNanos;
        PendingOp.slowCancelNanos = TimeUnit.MILLISECONDS.toNanos(100);
        try {
            long before = Debug.slowCancels();
            PendingOp op = new PendingOp() {
                @Override
                protected String describeInFlight() {
                    return "(what the backend knows)";
                }
            };
            AtomicInteger cancels = new AtomicInteger();
            CountDownLatch armed = new CountDownLatch(1);
            CompletableFuture<Wake> woke = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                op.arm();
                armed.countDown();
                // a 1 ms timeout whose cancel nothing answers
                woke.complete(op.await(System.nanoTime() + 1_000_000, cancels::incrementAndGet));
            });
            armed.await();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Debug.slowCancels() == before && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(300); // three more report periods: still one report
            assertThat(Debug.slowCancels() - before).as("reports").isEqualTo(1);
            assertThat(Debug.lastSlowCancel()).contains("TIMED_OUT", "(what the backend knows)");
            assertThat(woke).as("the waiter still waits for the completion").isNotDone();

            op.complete(7);
            assertThat(woke.get(10, TimeUnit.SECONDS)).isEqualTo(Wake.TIMED_OUT);
            assertThat(op.value()).as("the late completion's result").isEqualTo(7);
            assertThat(cancels.get()).isEqualTo(1);
        } finally {
            PendingOp.slowCancelNanos = saved;
        }
    }

    @Test
    void secondCompletionIsRejectedLoudly() {
        PendingOp op = new PendingOp();
        op.arm();
        op.complete(1);

        assertThatThrownBy(() -> op.complete(2)).isInstanceOf(IllegalStateException.class);
        assertThat(op.value()).as("the rejected call leaves the first result for the waiter").isEqualTo(1);
    }

    @Test
    void losingDuplicateCompletionNeverOverwritesTheWinnersResult() throws Exception {
        // Two completions race for each submission (the bug a shared context would cause): the
        // one that does not throw is the one whose result the waiter reads, every time. Two
        // spinning threads meet at each round so their calls overlap as closely as possible.
        PendingOp op = new PendingOp();
        int rounds = 100_000;
        AtomicInteger armedRound = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        long[] winner = new long[rounds + 1];
        Thread[] completers = new Thread[2];
        for (int k = 0; k < 2; k++) {
            long value = k + 1;
            completers[k] = Thread.ofPlatform().daemon().start(() -> {
                for (int round = 1; round <= rounds; round++) {
                    while (armedRound.get() < round) {
                        Thread.yield(); // not onSpinWait: the machine may have fewer free cores than spinners
                    }
                    try {
                        op.complete(value);
                        winner[round] = value; // published by the increment below
                    } catch (IllegalStateException rejected) {
                        // the loser: must leave the winner's result alone
                    }
                    finished.incrementAndGet();
                }
            });
        }
        for (int round = 1; round <= rounds; round++) {
            op.arm();
            armedRound.set(round);
            while (finished.get() < 2 * round) {
                Thread.yield();
            }
            if (op.value() != winner[round]) {
                throw new AssertionError("round " + round + ": the waiter reads " + op.value()
                        + " but the completion that won reported " + winner[round]);
            }
            op.consume();
        }
        for (Thread completer : completers) {
            completer.join();
        }
    }

    @Test
    void aCompletionRacingAWaiterThatHoldsALeftoverPermitStillWakesIt() throws Exception {
        // A waiter can park holding a leftover permit (the late unpark of a previous op whose
        // DONE it saw without parking), so its first park returns at once and it checks the op
        // again. The JDK's
        // unpark does nothing when the permit is already set, without any fence: a completion
        // whose DONE could still sit in its store buffer when it looks at that permit lets the
        // waiter clear the permit, read the op as not done and park for good. A waiter left
        // parked with its op done for a second fails the test (and is woken so the test ends).
        PendingOp op = new PendingOp();
        AtomicInteger armedRound = new AtomicInteger();
        AtomicInteger consumedRound = new AtomicInteger();
        long budget = TimeUnit.SECONDS.toNanos(4);
        long start = System.nanoTime();
        Thread waiter = Thread.ofVirtual().start(() -> {
            for (int round = 1; System.nanoTime() - start < budget; round++) {
                LockSupport.unpark(Thread.currentThread()); // the leftover permit
                op.arm();
                armedRound.set(round);
                op.awaitUninterruptibly();
                op.consume();
                consumedRound.set(round);
            }
        });
        Thread completer = Thread.ofPlatform().daemon().start(() -> {
            for (int round = 1; waiter.isAlive(); round++) {
                while (armedRound.get() < round && waiter.isAlive()) {
                    Thread.onSpinWait();
                }
                if (armedRound.get() == round) {
                    op.complete(round);
                }
            }
        });
        int lostRound = 0;
        int lastRound = -1;
        long stuckSince = System.nanoTime();
        while (waiter.isAlive()) {
            Thread.sleep(20);
            int round = consumedRound.get();
            if (round != lastRound || !op.isDone()) {
                lastRound = round;
                stuckSince = System.nanoTime();
            } else if (System.nanoTime() - stuckSince > TimeUnit.SECONDS.toNanos(1)) {
                lostRound = round + 1;
                LockSupport.unpark(waiter);
            }
        }
        completer.join();
        assertThat(lostRound).as("round whose completion left the waiter parked (of %d)", consumedRound.get())
                .isZero();
    }

    @Test
    void cannotArmWhileInFlight() {
        PendingOp op = new PendingOp();
        op.arm();

        assertThatThrownBy(op::arm).isInstanceOf(IllegalStateException.class);
        op.complete(0);
        op.consume();
        op.arm(); // reusable only after its completion was consumed
        assertThat(op.isInFlight()).isTrue();
    }

    @Test
    void completionFromAnotherThreadWakesTheWaiter() throws Exception {
        PendingOp op = new PendingOp();
        CompletableFuture<Wake> woke = new CompletableFuture<>();
        CountDownLatch armed = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            op.arm();
            armed.countDown();
            woke.complete(op.await(0, () -> { }));
        });
        armed.await();
        awaitParked(waiter);
        op.complete(7);

        assertThat(woke.get(10, TimeUnit.SECONDS)).isEqualTo(Wake.COMPLETED);
        assertThat(op.value()).isEqualTo(7);
    }

    @Test
    void timeoutCancelsThenStillWaitsForTheCompletion() throws Exception {
        PendingOp op = new PendingOp();
        AtomicInteger cancels = new AtomicInteger();
        op.arm();
        // The "kernel" reports the cancelled op only some time after the cancel request.
        Runnable canceller = () -> {
            cancels.incrementAndGet();
            Thread.ofPlatform().start(() -> {
                sleepQuietly(50);
                op.fail(SocketError.CANCELLED, 125);
            });
        };

        Wake wake = op.await(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), canceller);

        assertThat(wake).isEqualTo(Wake.TIMED_OUT);
        assertThat(op.isDone()).as("await returns only after the completion").isTrue();
        assertThat(op.error()).isEqualTo(SocketError.CANCELLED);
        assertThat(op.cancelRequested()).isTrue();
        assertThat(cancels).hasValue(1);
    }

    @Test
    void dataThatRacesWithTheCancelIsKept() {
        PendingOp op = new PendingOp();
        op.arm();
        // Cancel arrives too late: the operation had already received bytes.
        Wake wake = op.await(System.nanoTime(), () -> op.complete(5));

        assertThat(wake).isEqualTo(Wake.TIMED_OUT);
        assertThat(op.error()).isNull();
        assertThat(op.value()).isEqualTo(5);
    }

    @Test
    void interruptCancelsAndKeepsTheInterruptStatus() throws Exception {
        PendingOp op = new PendingOp();
        CompletableFuture<Wake> woke = new CompletableFuture<>();
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        CountDownLatch armed = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            op.arm();
            armed.countDown();
            woke.complete(op.await(0, () -> Thread.ofPlatform().start(() -> op.fail(SocketError.CANCELLED, 0))));
            stillInterrupted.complete(Thread.currentThread().isInterrupted());
        });
        armed.await();
        awaitParked(waiter);
        waiter.interrupt();

        assertThat(woke.get(10, TimeUnit.SECONDS)).isEqualTo(Wake.INTERRUPTED);
        assertThat(stillInterrupted.get(10, TimeUnit.SECONDS)).isTrue();
    }

    static void awaitParked(Thread thread) throws InterruptedException {
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
