package io.roominvites.local;

import io.roominvites.service.ErasureJobs;
import io.roominvites.service.Erasures;

/** The local runner's erasure queue ({@link InMemoryQueue}), consumed by the same {@link Erasures#run} as in AWS. */
public final class InMemoryErasureQueue extends InMemoryQueue implements Erasures.Queue {
    public InMemoryErasureQueue() {
        super("erasure-queue");
    }

    @Override
    public void enqueue(String erasureId) {
        add(ErasureJobs.message(erasureId));
    }

    /** Runs every job waiting now (and what they hand over again) on this thread; answers how many runs there were. */
    public int drain(Erasures erasures) {
        return drain(body -> erasures.run(ErasureJobs.erasureId(body)));
    }

    public synchronized void startConsumer(Erasures erasures, long periodMillis) {
        startConsumer(body -> erasures.run(ErasureJobs.erasureId(body)), periodMillis);
    }
}
