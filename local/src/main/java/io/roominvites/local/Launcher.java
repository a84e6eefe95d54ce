package io.roominvites.local;

/**
 * The local runner jar's entry point, compiled for Java 8 so that any Java can load it: on a Java older than 21 it
 * says so plainly and exits 1 (instead of an UnsupportedClassVersionError); otherwise it starts {@code LocalRunner}.
 * Java 8 language only in this file.
 */
public final class Launcher {
    static final int REQUIRED = 21;

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        String version = System.getProperty("java.specification.version", "0");
        if (feature(version) < REQUIRED) {
            System.err.println("The room-invites local runner needs Java " + REQUIRED + " or newer, but this is Java "
                    + version + " (" + System.getProperty("java.home") + ").");
            System.err.println("Run it with a JDK " + REQUIRED + "+ (for example JAVA_HOME=/path/to/jdk-21 $JAVA_HOME/bin/java -jar ...),"
                    + " or use ./scripts/run-local.sh, which finds one.");
            System.exit(1);
        }
        try {
            Class.forName("io.roominvites.local.LocalRunner").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** 8 for "1.8", 17 for "17". */
    static int feature(String specVersion) {
        String v = specVersion.startsWith("1.") ? specVersion.substring(2) : specVersion;
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
