package io.roominvites.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds; percentiles by the nearest-rank method. */
final class Stats {
    private final long[] samples;
    private int n;

    Stats(int capacity) {
        samples = new long[capacity];
    }

    void add(long nanos) {
        samples[n++] = nanos;
    }

    double percentileMs(double p) {
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))] / 1e6;
    }

    double meanMs() {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += samples[i];
        }
        return n == 0 ? 0 : sum / 1e6 / n;
    }

    /** {@code RESULT <name> <n> <p50 ms> <p99 ms> <mean ms>}: the line the orchestrator reads. */
    String result(String name) {
        return String.format(java.util.Locale.ROOT, "RESULT %s %d %.4f %.4f %.4f", name, n, percentileMs(50),
                percentileMs(99), meanMs());
    }
}
