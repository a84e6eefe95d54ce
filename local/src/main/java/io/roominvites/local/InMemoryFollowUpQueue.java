package io.roominvites.local;

import io.roominvites.service.FollowUps;

/**
 * The local runner's follow-up queue ({@link InMemoryQueue}): fan-outs of calendar updates and cancellations and the
 * reminders the runner's clock fires, consumed by the same {@link FollowUps#fanOut} as the follow-up function in AWS.
 */
public final class InMemoryFollowUpQueue extends InMemoryQueue implements FollowUps.Queue {
    public InMemoryFollowUpQueue() {
        super("follow-up-queue");
    }

    @Override
    public void enqueue(String message) {
        add(message);
    }

    /** Runs every fan-out waiting now (and what they hand back) on this thread; answers how many ran. */
    public int drain(FollowUps followUps) {
        return drain(followUps::fanOut);
    }

    public synchronized void startConsumer(FollowUps followUps, long periodMillis) {
        startConsumer(followUps::fanOut, periodMillis);
    }
}
