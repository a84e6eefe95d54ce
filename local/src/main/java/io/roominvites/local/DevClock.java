package io.roominvites.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** The local runner's clock: real time plus an offset that {@code POST /dev/clock} moves forward. */
public final class DevClock extends Clock {
    private final Clock base;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    private final java.util.List<Runnable> onAdvance = new java.util.concurrent.CopyOnWriteArrayList<>();

    public DevClock(Clock base) {
        this.base = base;
    }

    public DevClock() {
        this(Clock.systemUTC());
    }

    /** Moves time forward (never back: expiry and countdowns only run one way). */
    public Instant advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward");
        }
        offset.accumulateAndGet(by, Duration::plus);
        Instant now = instant();
        for (Runnable r : onAdvance) {
            r.run();
        }
        return now;
    }

    /** Runs {@code r} after every {@link #advance}, before it returns (DynamoDB's TTL catching up with the clock). */
    public void onAdvance(Runnable r) {
        onAdvance.add(r);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset.get());
    }
}
