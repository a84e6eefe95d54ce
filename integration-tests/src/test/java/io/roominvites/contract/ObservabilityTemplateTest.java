package io.roominvites.contract;

import io.roominvites.json.Json;
import io.roominvites.metrics.Metrics;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.roominvites.contract.SamTemplate.list;
import static io.roominvites.contract.SamTemplate.map;
import static io.roominvites.contract.SamTemplate.ref;
import static io.roominvites.contract.SamTemplate.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What template.yaml declares for operators: log groups that expire and say what happens to them, the alarms
 * (5xx rate, throttles, SES failure rate, every dead-letter queue), a dashboard, metrics the code really writes; and
 * cfn-lint, with its informational checks, finds nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityTemplateTest {
    private SamTemplate template;

    @BeforeAll
    void load() throws IOException {
        template = SamTemplate.load(SamContractTest.TEMPLATE);
    }

    @Test
    void cfnLintWithInformationalChecksFindsNothing() throws Exception {
        String cfnLint = cfnLint();
        Assumptions.assumeTrue(cfnLint != null, "SKIPPED: cfn-lint is not installed here (pip install cfn-lint, or set "
                + "-Dcfn.lint=/path/to/cfn-lint); template.yaml was not linted");
        Process p = new ProcessBuilder(cfnLint, "-t", SamContractTest.TEMPLATE.toString(), "--include-checks", "I")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "cfn-lint did not finish");
        assertEquals(0, p.exitValue(), "cfn-lint --include-checks I template.yaml:\n" + out);
        assertEquals("", out.strip(), "cfn-lint said something:\n" + out);
    }

    @Test
    void everyLogGroupExpiresAndStatesItsDeletionPolicies() {
        List<String> problems = new ArrayList<>();
        List<String> groups = template.ofType("AWS::Logs::LogGroup");
        assertTrue(groups.size() >= template.functions().size() + 1, "a log group per function and the API's: " + groups);
        for (String g : groups) {
            Map<String, Object> r = template.resource(g);
            if (!"LogRetentionDays".equals(ref(template.properties(g).get("RetentionInDays")))) {
                problems.add(g + ": RetentionInDays must be !Ref LogRetentionDays");
            }
            for (String policy : List.of("DeletionPolicy", "UpdateReplacePolicy")) {
                if (!r.containsKey(policy)) {
                    problems.add(g + ": no " + policy);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void alarmsWatchTheApi5xxRateThrottlesOfEveryFunctionAndTheEmailFailureRate() {
        List<String> alarms = template.ofType("AWS::CloudWatch::Alarm");
        Set<String> watched = new TreeSet<>();
        for (String a : alarms) {
            Map<String, Object> p = template.properties(a);
            assertTrue(list(p.get("AlarmActions")).stream().anyMatch(x -> "AlarmTopic".equals(ref(x))), a + " notifies AlarmTopic");
            for (Map<String, Object> stat : metricStats(p)) {
                watched.add(stat.get("namespace") + " " + stat.get("name") + " " + stat.get("dimensions"));
            }
        }
        assertTrue(watched.contains("AWS/ApiGateway 5xx [ApiId=HttpApi, Stage=$default]")
                && watched.contains("AWS/ApiGateway Count [ApiId=HttpApi, Stage=$default]"), "a 5xx-rate alarm on the HTTP API: " + watched);
        for (String fn : template.functions()) {
            assertTrue(watched.contains("AWS/Lambda Throttles [FunctionName=" + fn + "]"), "a throttles alarm covers " + fn + ": " + watched);
        }
        String ns = "RoomInvites/${AWS::StackName}";
        assertTrue(watched.contains(ns + " EmailFailed [Service=room-invites]") && watched.contains(ns + " EmailSent [Service=room-invites]"),
                "an email failure-rate alarm: " + watched);
    }

    @Test
    void everyDeadLetterQueueHasAnAlarm() {
        Set<String> deadLetterQueues = new LinkedHashSet<>();
        collectDeadLetterTargets(template.resources(), false, deadLetterQueues);
        Set<String> alarmed = new TreeSet<>();
        for (String a : template.ofType("AWS::CloudWatch::Alarm")) {
            for (Map<String, Object> stat : metricStats(template.properties(a))) {
                Matcher m = Pattern.compile("QueueName=([A-Za-z0-9]+)").matcher(String.valueOf(stat.get("dimensions")));
                if ("AWS/SQS".equals(stat.get("namespace")) && m.find()) {
                    alarmed.add(m.group(1));
                }
            }
        }
        Set<String> missing = new TreeSet<>(deadLetterQueues);
        missing.removeAll(alarmed);
        assertTrue(missing.isEmpty(), "dead-letter queues without an alarm on their messages: " + missing);
    }

    @Test
    void theAlarmsAndTheDashboardUseMetricsTheCodeWrites() throws Exception {
        Set<String> written = writtenMetricNames();
        String ns = "RoomInvites/${AWS::StackName}";
        List<String> problems = new ArrayList<>();
        for (String a : template.ofType("AWS::CloudWatch::Alarm")) {
            for (Map<String, Object> stat : metricStats(template.properties(a))) {
                if (ns.equals(stat.get("namespace")) && !written.contains(String.valueOf(stat.get("name")))) {
                    problems.add(a + " watches " + stat.get("name") + ", which io.roominvites.metrics.Metrics never writes " + written);
                }
            }
        }
        List<String> dashboards = template.ofType("AWS::CloudWatch::Dashboard");
        assertEquals(1, dashboards.size(), "one dashboard");
        String body = sub(template.properties(dashboards.get(0)).get("DashboardBody"));
        assertTrue(body != null, "DashboardBody is a !Sub string");
        Map<String, Object> parsed = Json.parseObject(body.replaceAll("\\$\\{[^}]+}", "x"));
        assertTrue(list(parsed.get("widgets")).size() >= 5, "the dashboard has its widgets");
        for (String metric : written) {
            if (!body.contains("\"" + metric + "\"") && !body.contains("\\\"" + metric + "\\\"")) {
                problems.add("the dashboard does not show " + metric);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // ------------------------------------------------------------------ helpers

    /** The names of every metric Metrics writes (each of its kinds once, to a captured stream). */
    private static Set<String> writtenMetricNames() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Metrics.redirect(new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC());
        Metrics.enable("probe");
        try {
            Metrics.request("REDEEM_INVITE", "OK", 200, 1.0);
            Metrics.emailSent();
            Metrics.emailFailed("FAILED");
            Metrics.lobbyLocked();
        } finally {
            Metrics.disable();
            Metrics.redirect(System.out, Clock.systemUTC());
        }
        Set<String> names = new TreeSet<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> aws = map(Json.parseObject(line).get("_aws"));
            for (Object d : list(aws.get("CloudWatchMetrics"))) {
                for (Object metric : list(map(d).get("Metrics"))) {
                    names.add(String.valueOf(map(metric).get("Name")));
                }
            }
        }
        return names;
    }

    /** Each metric an alarm reads: namespace, name, dimensions as "Name=value" (a !Ref as the logical id). */
    private static List<Map<String, Object>> metricStats(Map<String, Object> alarm) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (alarm.containsKey("MetricName")) {
            out.add(Map.of("namespace", text(alarm.get("Namespace")), "name", text(alarm.get("MetricName")),
                    "dimensions", dimensions(alarm.get("Dimensions"))));
        }
        for (Object q : list(alarm.get("Metrics"))) {
            Object stat = map(q).get("MetricStat");
            if (stat != null) {
                Map<String, Object> metric = map(map(stat).get("Metric"));
                out.add(Map.of("namespace", text(metric.get("Namespace")), "name", text(metric.get("MetricName")),
                        "dimensions", dimensions(metric.get("Dimensions"))));
            }
        }
        return out;
    }

    private static List<String> dimensions(Object dims) {
        List<String> out = new ArrayList<>();
        for (Object d : list(dims)) {
            out.add(map(d).get("Name") + "=" + text(map(d).get("Value")));
        }
        return out;
    }

    private static String text(Object v) {
        if (ref(v) != null) {
            return ref(v);
        }
        if (v instanceof Map<?, ?> m && m.get("Fn::GetAtt") != null) {
            // !GetAtt Queue.QueueName: the logical id, like a !Ref
            Object target = m.get("Fn::GetAtt");
            return target instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.get(0)) : String.valueOf(target).split("\\.")[0];
        }
        if (sub(v) != null) {
            return sub(v);
        }
        return String.valueOf(v);
    }

    /** Queues named as the target of a redrive policy, a dead-letter config or an on-failure destination. */
    private static void collectDeadLetterTargets(Object node, boolean inDeadLetterContext, Set<String> out) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                boolean context = inDeadLetterContext || key.equals("RedrivePolicy") || key.startsWith("DeadLetter")
                        || key.equals("OnFailure");
                if (context && (key.equals("Ref") || key.equals("Fn::GetAtt"))) {
                    Object v = e.getValue();
                    String id = v instanceof String s ? s.split("\\.")[0] : v instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.get(0)) : null;
                    if (id != null) {
                        out.add(id);
                    }
                }
                collectDeadLetterTargets(e.getValue(), context, out);
            }
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectDeadLetterTargets(v, inDeadLetterContext, out));
        }
    }

    /** cfn-lint: -Dcfn.lint, else $CFN_LINT, else the first on the PATH, when it answers --version; null when there is none. */
    static String cfnLint() {
        String candidate = PythonTools.executable("cfn.lint", "CFN_LINT", "cfn-lint");
        if (candidate == null) {
            return null;
        }
        PythonTools.Run version = PythonTools.run(List.of(candidate, "--version"), null, 60);
        return version != null && version.exit() == 0 ? candidate : null;
    }
}
