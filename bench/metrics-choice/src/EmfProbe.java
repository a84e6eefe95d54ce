import io.roominvites.metrics.Metrics;

/** JVM start to the first request's metrics written, with the project's hand-written EMF (what each function does). */
public final class EmfProbe {
    public static void main(String[] args) {
        Metrics.enable("RoomInvites/probe");
        Metrics.request("REDEEM_INVITE", "OK", 200, 12.5);
        Metrics.emailSent();
        Probe.done();
    }
}
