package io.roominvites.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sends booked against one limit (a manager's, a room's) over the rolling 24 hours, counted per minute: a send
 * booked in minute m counts until minute m + 1440 begins. At most 1,440 entries, whatever the limit.
 */
public final class SendLedger {
    public static final Duration WINDOW = Duration.ofDays(1);
    private static final long WINDOW_MINUTES = WINDOW.toMinutes();

    private final TreeMap<Long, Integer> perMinute;

    private SendLedger(TreeMap<Long, Integer> perMinute) {
        this.perMinute = perMinute;
    }

    public static SendLedger empty() {
        return new SendLedger(new TreeMap<>());
    }

    /** A ledger as stored: epoch minute to the sends booked in it. */
    public static SendLedger of(Map<Long, Integer> perMinute) {
        TreeMap<Long, Integer> m = new TreeMap<>();
        perMinute.forEach((minute, n) -> {
            if (n != null && n > 0) {
                m.put(minute, n);
            }
        });
        return new SendLedger(m);
    }

    /** Epoch minute to sends, oldest first (what to store). */
    public Map<Long, Integer> perMinute() {
        return Collections.unmodifiableMap(perMinute);
    }

    private static long minute(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), 60);
    }

    /** The sends that count at {@code now}: booked in the 24 hours before it. */
    public int used(Instant now) {
        long from = minute(now) - WINDOW_MINUTES + 1;
        int used = 0;
        for (int n : perMinute.tailMap(from, true).values()) {
            used += n;
        }
        return used;
    }

    /** How many of {@code wanted} sends fit under {@code limit} at {@code now}. */
    public int room(int limit, Instant now) {
        return Math.max(0, limit - used(now));
    }

    /** This ledger with {@code n} more sends booked at {@code now}, and the entries that no longer count dropped. */
    public SendLedger book(int n, Instant now) {
        long current = minute(now);
        TreeMap<Long, Integer> m = new TreeMap<>(perMinute.tailMap(current - WINDOW_MINUTES + 1, true));
        if (n > 0) {
            m.merge(current, n, Integer::sum);
        }
        return new SendLedger(m);
    }

    /**
     * How long until {@code needed} more sends fit under {@code limit}: when enough of the oldest bookings have left
     * the window (at least one second; zero when they fit now).
     */
    public Duration waitFor(int needed, int limit, Instant now) {
        int over = used(now) + needed - limit;
        if (over <= 0) {
            return Duration.ZERO;
        }
        long from = minute(now) - WINDOW_MINUTES + 1;
        int freed = 0;
        for (Map.Entry<Long, Integer> e : perMinute.tailMap(from, true).entrySet()) {
            freed += e.getValue();
            if (freed >= over) {
                Instant leaves = Instant.ofEpochSecond((e.getKey() + WINDOW_MINUTES) * 60);
                return Duration.between(now, leaves).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                        : Duration.between(now, leaves);
            }
        }
        return WINDOW; // more than the limit at once: never fits (a bulk larger than the limit)
    }
}
