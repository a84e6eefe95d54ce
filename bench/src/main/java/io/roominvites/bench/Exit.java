package io.roominvites.bench;

import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * How the measuring JVMs end: {@code halt}, without shutdown hooks (the SDK's and the handler's threads and hooks
 * must not add seconds to a run), after writing the JFR recording that {@code -Dbench.profile=true} started, since
 * halting skips JFR's own dump-on-exit.
 */
final class Exit {
    private Exit() {
    }

    static void now() {
        System.out.flush();
        if (FlightRecorder.isInitialized()) {
            for (Recording r : FlightRecorder.getFlightRecorder().getRecordings()) {
                Path to = r.getDestination();
                if (to != null) {
                    try {
                        r.dump(to);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        Runtime.getRuntime().halt(0);
    }
}
