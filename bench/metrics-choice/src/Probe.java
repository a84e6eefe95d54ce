import java.lang.management.ManagementFactory;

/** Prints the milliseconds since the JVM started, and the number of classes loaded, on stderr. */
final class Probe {
    private Probe() {
    }

    static void done() {
        System.out.flush();
        long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.err.println("PROBE " + ms + " " + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    }
}
