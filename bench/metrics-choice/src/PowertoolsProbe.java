import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** The same metrics through Powertools for AWS Lambda (Java) 2.9.0's functional API (no AspectJ weaving). */
public final class PowertoolsProbe {
    public static void main(String[] args) {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        metrics.setNamespace("RoomInvites/probe");
        metrics.addDimension(DimensionSet.of("Service", "room-invites", "Operation", "REDEEM_INVITE", "Outcome", "OK"));
        metrics.addMetric("Requests", 1, MetricUnit.COUNT);
        metrics.addMetric("Latency", 12.5, MetricUnit.MILLISECONDS);
        metrics.flush();
        metrics.flushSingleMetric("EmailSent", 1, MetricUnit.COUNT, "RoomInvites/probe", DimensionSet.of("Service", "room-invites"));
        Probe.done();
    }
}
