package io.roominvites.it.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Runs many seeds (and each defect over its own seeds) and writes the figures to a results file. */
final class SimulationReport {
    private SimulationReport() {
    }

    /** Adds up what the seeds of a run did and found (called by the workers, one seed at a time). */
    private static final class Totals {
        final Map<String, Integer> byCheck = new TreeMap<>();
        final Map<String, Long> faults = new TreeMap<>();
        final TreeMap<Long, String> failures = new TreeMap<>();
        long steps;
        int indeterminate;
        long redelivered;
        long late;
        long emails;
        long events;
        int failed;
        int done;

        synchronized void add(Simulation.Result r) {
            done++;
            steps += r.steps;
            indeterminate += r.indeterminate;
            redelivered += r.redelivered;
            late += r.late;
            emails += r.emailsSent;
            events += r.eventsPublished;
            r.faults.forEach((k, v) -> faults.merge(k, (long) v, Long::sum));
            if (r.failed()) {
                failed++;
                byCheck.merge(r.check, 1, Integer::sum);
                failures.put(r.seed, r.report(30));
                while (failures.size() > 10) {
                    failures.pollLastEntry();
                }
            }
        }
    }

    /**
     * Runs {@code count} seeds from {@code from} with {@code defects} on {@code workers} threads, each with a DynamoDB
     * Local of its own; every seed runs whole on one thread, so it gives the same trace as alone.
     */
    static void forEachSeed(int workers, long from, int count, Set<Defect> defects,
                            java.util.function.Consumer<Simulation.Result> sink) throws Exception {
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong(from);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers);
        try {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                running.add(pool.submit(() -> {
                    try (SimInfra infra = new SimInfra()) {
                        for (long s = next.getAndIncrement(); s < from + count; s = next.getAndIncrement()) {
                            sink.accept(new Simulation(infra, s, ServiceSimulationTest.STEPS, defects).run());
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void run(int workers, int seeds, long from, int defectSeeds, Path out) throws Exception {
        Instant started = Instant.now();
        Map<Defect, ServiceSimulationTest.Detection> detections = new EnumMap<>(Defect.class);
        String only = System.getProperty("sim.onlyDefects", "");
        Totals none = new Totals();
        for (Defect d : Defect.values()) {
            if (defectSeeds <= 0 || (!only.isBlank() && !only.contains(d.name()))) {
                continue;
            }
            long t = System.nanoTime();
            java.util.concurrent.ConcurrentSkipListMap<Long, Simulation.Result> found = new java.util.concurrent.ConcurrentSkipListMap<>();
            java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
            forEachSeed(workers, from, defectSeeds, Set.of(d), r -> {
                ran.incrementAndGet();
                if (r.failed() && ServiceSimulationTest.TELLS.get(d).contains(r.check)) {
                    found.put(r.seed, r);
                }
            });
            detections.put(d, new ServiceSimulationTest.Detection(found.size(), ran.get(), new ArrayList<>(found.keySet()),
                    found.values().stream().map(r -> r.failedStep).toList(), found.values().stream().map(r -> r.check).toList(),
                    (System.nanoTime() - t) / 1_000_000));
            write(out, started, seeds, from, 0, workers, none, detections);
        }
        long t0 = System.nanoTime();
        Totals totals = new Totals();
        forEachSeed(workers, from, seeds, Set.of(), r -> {
            totals.add(r);
            synchronized (totals) {
                if (totals.done % 25 == 0) {
                    System.out.printf("simulation: %d seeds, %d failed, %d s%n", totals.done, totals.failed,
                            (System.nanoTime() - t0) / 1_000_000_000);
                    try {
                        write(out, started, seeds, from, (System.nanoTime() - t0) / 1_000_000, workers, totals, detections);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        });
        write(out, started, seeds, from, (System.nanoTime() - t0) / 1_000_000, workers, totals, detections);
    }

    private static void write(Path out, Instant started, int seeds, long from, long millis, int workers, Totals t,
                              Map<Defect, ServiceSimulationTest.Detection> detections) throws Exception {
        int done = t.done;
        StringBuilder b = new StringBuilder();
        b.append("# Simulation results\n\n");
        b.append("Written by `scripts/simulate.sh` (`ServiceSimulationTest#many`): the seeded simulation of the whole service ")
                .append("(integration-tests/src/test/java/io/roominvites/it/sim), started ").append(started).append(".\n\n");
        b.append("| figure | value |\n|---|---|\n");
        b.append("| seeds run | ").append(done).append(done < seeds ? " of " + seeds + " (running)" : "").append(" (from seed ").append(from).append(") |\n");
        b.append("| steps | ").append(t.steps).append(" (").append(ServiceSimulationTest.STEPS).append(" a seed, plus settling) |\n");
        b.append("| time | ").append(Duration.ofMillis(millis).toSeconds()).append(" s on ").append(workers)
                .append(workers == 1 ? " worker" : " workers").append(" (").append(done == 0 ? 0 : millis * workers / done)
                .append(" ms a seed on one worker) |\n");
        b.append("| seeds failed | ").append(t.failed).append(t.byCheck.isEmpty() ? "" : " " + t.byCheck).append(" |\n");
        b.append("| open outcomes resolved by reading the store | ").append(t.indeterminate).append(" |\n");
        b.append("| stream records delivered again / held back | ").append(t.redelivered).append(" / ").append(t.late).append(" |\n");
        b.append("| emails sent / events published (distinct) | ").append(t.emails).append(" / ").append(t.events).append(" |\n");
        b.append("\nFaults injected (all seeds):\n\n| fault | count |\n|---|---|\n");
        t.faults.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        if (detections != null) {
            b.append("\nRe-introduced defects (each over its own seeds from ").append(from).append("):\n\n")
                    .append("| defect | seeds that found it | first seeds | steps to find (first 5) | checks | time |\n|---|---|---|---|---|---|\n");
            detections.forEach((d, x) -> b.append("| ").append(d).append(" | ").append(x.found()).append(" / ").append(x.run())
                    .append(" | ").append(x.seeds().stream().limit(5).toList()).append(" | ")
                    .append(x.steps().stream().limit(5).toList()).append(" | ").append(x.checks().stream().distinct().toList())
                    .append(" | ").append(x.millis() / 1000).append(" s |\n"));
        }
        if (!t.failures.isEmpty()) {
            b.append("\nFailures (first ").append(t.failures.size()).append(" by seed):\n\n```\n");
            t.failures.values().forEach(b::append);
            b.append("```\n");
        }
        Files.createDirectories(out.getParent());
        Files.writeString(out, b.toString());
    }
}
