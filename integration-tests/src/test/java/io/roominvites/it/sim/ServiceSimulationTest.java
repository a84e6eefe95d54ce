package io.roominvites.it.sim;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The seeded simulation of the whole service over time (part 5 of issue #17): see {@link Simulation}.
 *
 * <p>The test command runs a bounded number of seeds ({@code -Dsim.seeds}, default 40, within
 * {@code -Dsim.budgetSeconds}, default 60), checks that one seed run twice gives the same trace, and that each
 * re-introduced defect ({@link Defect}) is seen. {@code -Dsim.seed=N} (optionally {@code -Dsim.defect=NAME}) replays
 * one seed and prints its whole trace. {@code scripts/simulate.sh} runs many more ({@link #many}).
 */
class ServiceSimulationTest {
    static final int STEPS = Integer.getInteger("sim.steps", 100);
    /** The checks that tell each defect (a seed that fails another check has not seen it). */
    static final Map<Defect, Set<String>> TELLS = new EnumMap<>(Map.of(
            Defect.INVITE_OLD_TTL, Set.of("no-usable-invite-deleted", "invite-kept-until-retire"),
            Defect.HISTORY_OLD_TTL, Set.of("history-kept", "events-exactly-once"),
            Defect.LATEST_ATTEMPT_EVENTS, Set.of("email-event-per-attempt", "events-exactly-once"),
            Defect.STALE_ROOM_GRANT, Set.of("no-entry-after-end", "grant-role", "max-devices")));

    private static SimInfra infra;

    @BeforeAll
    static void start() {
        // the service's request log (a JSON line a request, ~10 a step) is no part of a seed's verdict, and through
        // surefire's channel it cost more CPU than the seeds themselves: a failing seed replays with its trace
        io.roominvites.logging.Log.redirect(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        infra = new SimInfra();
    }

    @AfterAll
    static void stop() {
        infra.close();
        io.roominvites.logging.Log.redirect(System.out);
    }

    static Set<Defect> defectProperty() {
        String d = System.getProperty("sim.defect");
        return d == null || d.isBlank() ? EnumSet.noneOf(Defect.class) : EnumSet.of(Defect.valueOf(d));
    }

    /**
     * Seeds that found a product defect, run on every build: 133 (two QUEUED attempts in one millisecond emailed an
     * invite three times), 239 (a keyed create whose answer was lost, retried while reads timed out, answered
     * "Nothing was changed" although the first request had created the invitation), 147 and 224 (the same, with the
     * retry's very first read timing out, before it could check its key).
     */
    @Test
    void seedsThatFoundProductDefectsStayFixed() {
        List<String> failures = new ArrayList<>();
        for (long seed : new long[]{133, 147, 224, 239}) {
            Simulation.Result r = new Simulation(infra, seed, STEPS, Set.of()).run();
            if (r.failed()) {
                failures.add(r.report(30));
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void seedsKeepEveryRule() {
        String one = System.getProperty("sim.seed");
        if (one != null) {
            Simulation.Result r = new Simulation(infra, Long.parseLong(one), STEPS, defectProperty()).run();
            System.out.println(r.report(Integer.MAX_VALUE));
            if (r.failed()) {
                fail(r.report(30));
            }
            return;
        }
        int seeds = Integer.getInteger("sim.seeds", 40);
        long from = Long.getLong("sim.from", 1);
        long budget = Long.getLong("sim.budgetSeconds", 40) * 1000;
        long t0 = System.currentTimeMillis();
        List<String> failures = new ArrayList<>();
        int run = 0;
        long steps = 0;
        for (long s = from; s < from + seeds && System.currentTimeMillis() - t0 < budget; s++) {
            Simulation.Result r = new Simulation(infra, s, STEPS, Set.of()).run();
            run++;
            steps += r.steps;
            System.out.println(r.failed() ? r.report(6) : "seed " + s + ": passed in " + r.millis + " ms, slowest step " + r.slowest);
            if (r.failed()) {
                failures.add(r.report(30));
            }
        }
        System.out.println("simulation: " + run + " seeds from " + from + ", " + steps + " steps, "
                + (System.currentTimeMillis() - t0) + " ms, " + failures.size() + " failed");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + run + " seeds failed; the first:\n" + failures.getFirst());
        }
    }

    @Test
    void oneSeedGivesOneTrace() {
        long seed = Long.getLong("sim.seed", 7);
        Simulation.Result a = new Simulation(infra, seed, STEPS, Set.of()).run();
        Simulation.Result b = new Simulation(infra, seed, STEPS, Set.of()).run();
        assertEquals(String.join("\n", a.trace), String.join("\n", b.trace), "seed " + seed + " replays exactly");
        assertEquals(a.failure, b.failure);
        assertTrue(a.trace.size() > STEPS / 2, "the seed ran its steps");
    }

    @Test
    void theSimulationSeesEachOldDefect() {
        // the test command starts each defect's search at a seed that found it when measured (scripts/simulate.sh
        // measures how many seeds find each, from seed 1: bench/results/simulation.md), and tries a few seeds from
        // there: the seeds replay exactly, so this stays a quick, deterministic proof that the checks still see it
        int max = Integer.getInteger("sim.defectSeeds", 4);
        StringBuilder table = new StringBuilder();
        List<Defect> missed = new ArrayList<>();
        for (Defect d : Defect.values()) {
            Detection found = detect(d, Long.getLong("sim.defectFrom", FIRST_FINDING.getOrDefault(d, 1L)), max, true);
            table.append(d).append(": ").append(found).append('\n');
            if (found.found == 0) {
                missed.add(d);
            }
        }
        System.out.println(table);
        assertTrue(missed.isEmpty(), "defects not seen: " + missed + "\n" + table);
    }

    /**
     * A seed that found each defect when measured (2026-12-06; the stale-room grant again on 2026-12-07, after the send
     * limits' two calls changed which answers each seed's calls draw: seeds 3-25 then did not find it, 26 did).
     */
    private static final java.util.Map<Defect, Long> FIRST_FINDING = java.util.Map.of(
            Defect.INVITE_OLD_TTL, 1L, Defect.HISTORY_OLD_TTL, 1L, Defect.LATEST_ATTEMPT_EVENTS, 10L,
            Defect.STALE_ROOM_GRANT, 26L);

    /** How a defect was found: in how many of the seeds run, and after how many steps each time. */
    record Detection(int found, int run, List<Long> seeds, List<Integer> steps, List<String> checks, long millis) {
        @Override
        public String toString() {
            return found + " of " + run + " seeds (first seeds " + seeds.stream().limit(5).toList() + ", steps "
                    + steps.stream().limit(5).toList() + ", checks " + checks.stream().distinct().toList() + ", " + millis + " ms)";
        }
    }

    static Detection detect(Defect d, long from, int seeds, boolean stopAtFirst) {
        long t0 = System.currentTimeMillis();
        List<Long> found = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        int run = 0;
        for (long s = from; s < from + seeds; s++) {
            Simulation.Result r = new Simulation(infra, s, STEPS, Set.of(d)).run();
            run++;
            if (r.failed() && TELLS.get(d).contains(r.check)) {
                found.add(s);
                steps.add(r.failedStep);
                checks.add(r.check);
                if (stopAtFirst) {
                    break;
                }
            }
        }
        return new Detection(found.size(), run, found, steps, checks, System.currentTimeMillis() - t0);
    }

    /** scripts/simulate.sh: many seeds, and each defect over its own seeds; writes bench/results/simulation.md. */
    @Test
    @EnabledIfSystemProperty(named = "sim.many", matches = "true")
    void many() throws Exception {
        SimulationReport.run(Integer.getInteger("sim.workers", Runtime.getRuntime().availableProcessors()),
                Integer.getInteger("sim.seeds", 10_000), Long.getLong("sim.from", 1),
                Integer.getInteger("sim.defectSeeds", 200),
                Path.of(System.getProperty("project.root", ".."), "bench", "results",
                        System.getProperty("sim.results", "simulation.md")));
    }
}
