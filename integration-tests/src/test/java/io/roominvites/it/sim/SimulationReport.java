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

    static void run(SimInfra infra, int seeds, long from, int defectSeeds, Path out) throws Exception {
        Instant started = Instant.now();
        Map<String, Integer> byCheck = new TreeMap<>();
        Map<String, Long> faults = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Map<Defect, ServiceSimulationTest.Detection> detections = new EnumMap<>(Defect.class);
        String only = System.getProperty("sim.onlyDefects", "");
        for (Defect d : Defect.values()) {
            if (!only.isBlank() && !only.contains(d.name())) {
                continue;
            }
            detections.put(d, ServiceSimulationTest.detect(d, from, defectSeeds, false));
            write(out, started, seeds, from, 0, 0, 0, byCheck, faults, 0, 0, 0, 0, 0, failures, detections, 0);
        }
        long t0 = System.nanoTime();
        long steps = 0;
        int indeterminate = 0;
        long redelivered = 0;
        long late = 0;
        long emails = 0;
        long events = 0;
        int failed = 0;
        for (long s = from; s < from + seeds; s++) {
            Simulation.Result r = new Simulation(infra, s, ServiceSimulationTest.STEPS, Set.of()).run();
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
                if (failures.size() < 10) {
                    failures.add(r.report(30));
                }
            }
            if ((s - from + 1) % 25 == 0) {
                System.out.printf("simulation: %d seeds, %d failed, %d s%n", s - from + 1, failed, (System.nanoTime() - t0) / 1_000_000_000);
                write(out, started, seeds, from, steps, (System.nanoTime() - t0) / 1_000_000, failed, byCheck, faults,
                        indeterminate, redelivered, late, emails, events, failures, detections, (int) (s - from + 1));
            }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        write(out, started, seeds, from, steps, millis, failed, byCheck, faults, indeterminate, redelivered, late, emails,
                events, failures, detections, seeds);
    }

    private static void write(Path out, Instant started, int seeds, long from, long steps, long millis, int failed,
                              Map<String, Integer> byCheck, Map<String, Long> faults, int indeterminate, long redelivered,
                              long late, long emails, long events, List<String> failures,
                              Map<Defect, ServiceSimulationTest.Detection> detections, int done) throws Exception {
        StringBuilder b = new StringBuilder();
        b.append("# Simulation results\n\n");
        b.append("Written by `scripts/simulate.sh` (`ServiceSimulationTest#many`): the seeded simulation of the whole service ")
                .append("(integration-tests/src/test/java/io/roominvites/it/sim), started ").append(started).append(".\n\n");
        b.append("| figure | value |\n|---|---|\n");
        b.append("| seeds run | ").append(done).append(done < seeds ? " of " + seeds + " (running)" : "").append(" (from seed ").append(from).append(") |\n");
        b.append("| steps | ").append(steps).append(" (").append(ServiceSimulationTest.STEPS).append(" a seed, plus settling) |\n");
        b.append("| time | ").append(Duration.ofMillis(millis).toSeconds()).append(" s (")
                .append(done == 0 ? 0 : millis / done).append(" ms a seed) |\n");
        b.append("| seeds failed | ").append(failed).append(byCheck.isEmpty() ? "" : " " + byCheck).append(" |\n");
        b.append("| open outcomes resolved by reading the store | ").append(indeterminate).append(" |\n");
        b.append("| stream records delivered again / held back | ").append(redelivered).append(" / ").append(late).append(" |\n");
        b.append("| emails sent / events published (distinct) | ").append(emails).append(" / ").append(events).append(" |\n");
        b.append("\nFaults injected (all seeds):\n\n| fault | count |\n|---|---|\n");
        faults.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        if (detections != null) {
            b.append("\nRe-introduced defects (each over its own seeds from ").append(from).append("):\n\n")
                    .append("| defect | seeds that found it | first seeds | steps to find (first 5) | checks | time |\n|---|---|---|---|---|---|\n");
            detections.forEach((d, x) -> b.append("| ").append(d).append(" | ").append(x.found()).append(" / ").append(x.run())
                    .append(" | ").append(x.seeds().stream().limit(5).toList()).append(" | ")
                    .append(x.steps().stream().limit(5).toList()).append(" | ").append(x.checks().stream().distinct().toList())
                    .append(" | ").append(x.millis() / 1000).append(" s |\n"));
        }
        if (!failures.isEmpty()) {
            b.append("\nFailures (first ").append(failures.size()).append("):\n\n```\n");
            failures.forEach(b::append);
            b.append("```\n");
        }
        Files.createDirectories(out.getParent());
        Files.writeString(out, b.toString());
    }
}
