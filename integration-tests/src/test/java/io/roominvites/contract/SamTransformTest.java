package io.roominvites.contract;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import static io.roominvites.contract.SamTemplate.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * template.yaml through the SAM transform, as {@code sam validate} runs it (aws-sam-translator, offline:
 * src/test/resources/contract/sam_transform.py): SAM accepts it, and what it would hand CloudFormation has a Lambda
 * function (with its live alias) per function, the HTTP API with exactly the template's routes, each wired to its
 * function's alias with the permission to invoke it, and the event source mappings and the EventBridge rule of the
 * functions the API does not call. (cfn-lint runs on the template in {@link ObservabilityTemplateTest}.) SKIPPED with
 * the reason where python3 or aws-sam-translator is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamTransformTest {
    private SamTemplate template;
    private Map<String, Object> resources;

    /** Why the tests are skipped (python3 or aws-sam-translator missing), or null. */
    private String unavailable;

    @BeforeAll
    void transform() throws Exception {
        String python = PythonTools.python3With("samtranslator");
        if (python == null) {
            // each test is reported SKIPPED with it (an assumption failing here would hide them from the reports)
            unavailable = PythonTools.missing("python3 with aws-sam-translator",
                    "pip install aws-sam-translator, or -Dpython3=/path/to/a/python3 that has it");
            System.out.println(unavailable);
            return;
        }
        template = SamTemplate.load(SamContractTest.TEMPLATE);
        Path script = Files.createTempFile("sam_transform", ".py");
        try (InputStream in = SamTransformTest.class.getResourceAsStream("/contract/sam_transform.py")) {
            Files.write(script, Objects.requireNonNull(in, "contract/sam_transform.py").readAllBytes());
        }
        long started = System.nanoTime();
        PythonTools.Run r;
        try {
            r = PythonTools.run(List.of(python, script.toString(), SamContractTest.TEMPLATE.toString()), null, 120);
        } finally {
            Files.deleteIfExists(script);
        }
        assertNotNull(r, "the SAM transform did not finish in 120 s");
        assertEquals(0, r.exit(), "SAM refuses template.yaml:\n" + r.stderr());
        Map<String, Object> out = JSONObjectUtils.parse(r.stdout());
        resources = map(out.get("Resources"));
        System.out.printf("SAM transform of template.yaml: %d resources in %d ms%n", resources.size(),
                (System.nanoTime() - started) / 1_000_000);
        assertTrue(!out.containsKey("Transform"), "the transform is applied");
    }

    @BeforeEach
    void samTranslatorIsHere() {
        Assumptions.assumeTrue(unavailable == null, unavailable);
    }

    @Test
    void nothingServerlessIsLeftAndEveryFunctionIsALambdaFunctionWithItsLiveAlias() {
        List<String> problems = new ArrayList<>();
        resources.forEach((id, r) -> {
            if (String.valueOf(map(r).get("Type")).startsWith("AWS::Serverless::")) {
                problems.add(id + " is still " + map(r).get("Type"));
            }
        });
        for (String fn : template.functions()) {
            Map<String, Object> f = resource(fn, "AWS::Lambda::Function", problems);
            if (f == null) {
                continue;
            }
            Map<String, Object> p = map(f.get("Properties"));
            expect(problems, fn + " Handler", SamContractTest.handler(template, fn), p.get("Handler"));
            expect(problems, fn + " Runtime", "java21", p.get("Runtime"));
            expect(problems, fn + " SnapStart", Map.of("ApplyOn", "PublishedVersions"), p.get("SnapStart"));
            Map<String, Object> alias = resource(fn + "Aliaslive", "AWS::Lambda::Alias", problems);
            if (alias != null) {
                expect(problems, fn + "'s alias function", Map.of("Ref", fn), map(alias.get("Properties")).get("FunctionName"));
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theHttpApiHasExactlyTheTemplatesRoutesEachOnItsFunctionsAliasWithThePermissionToInvokeIt() {
        List<String> problems = new ArrayList<>();
        Map<String, Object> api = resource("HttpApi", "AWS::ApiGatewayV2::Api", problems);
        assertNotNull(api, String.join("\n", problems));
        Map<String, Object> paths = map(map(map(api.get("Properties")).get("Body")).get("paths"));
        Set<String> transformed = new TreeSet<>();
        Set<String> declared = new TreeSet<>();
        paths.forEach((path, methods) -> map(methods).keySet().forEach(m -> transformed.add(m.toUpperCase(Locale.ROOT) + " " + path)));
        for (String fn : template.functions()) {
            for (String route : template.httpApiRoutes(fn)) {
                declared.add(route);
                String method = route.substring(0, route.indexOf(' ')).toLowerCase(Locale.ROOT);
                Object op = paths.containsKey(route.substring(route.indexOf(' ') + 1))
                        ? map(paths.get(route.substring(route.indexOf(' ') + 1))).get(method) : null;
                if (op == null) {
                    continue;
                }
                Map<String, Object> integration = map(map(op).get("x-amazon-apigateway-integration"));
                expect(problems, route + " integration type", "aws_proxy", integration.get("type"));
                expect(problems, route + " payload format", "2.0", integration.get("payloadFormatVersion"));
                if (!String.valueOf(SamTemplate.sub(integration.get("uri"))).contains("${" + fn + "Aliaslive}")) {
                    problems.add(route + " is not wired to " + fn + "'s live alias: " + integration.get("uri"));
                }
            }
            if (!template.httpApiRoutes(fn).isEmpty()) {
                boolean permitted = resources.values().stream().map(SamTemplate::map)
                        .filter(r -> "AWS::Lambda::Permission".equals(r.get("Type"))).map(r -> map(r.get("Properties")))
                        .anyMatch(p -> Map.of("Ref", fn + "Aliaslive").equals(p.get("FunctionName"))
                                && "apigateway.amazonaws.com".equals(p.get("Principal")));
                if (!permitted) {
                    problems.add(fn + ": no permission for API Gateway to invoke its live alias");
                }
            }
        }
        expect(problems, "the HTTP API's routes (transformed vs template.yaml's HttpApi events)", declared, transformed);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theStreamAndQueueFunctionsHaveTheirEventSourceMappingsAndTheSesFunctionItsRule() {
        List<String> problems = new ArrayList<>();
        int mappings = 0;
        for (String fn : template.functions()) {
            Object events = template.properties(fn).get("Events");
            if (events == null) {
                continue;
            }
            for (Map.Entry<String, Object> e : map(events).entrySet()) {
                Map<String, Object> event = map(e.getValue());
                Map<String, Object> declared = map(event.get("Properties"));
                String type = String.valueOf(event.get("Type"));
                String id = fn + e.getKey();
                switch (type) {
                    case "DynamoDB", "SQS" -> {
                        mappings++;
                        Map<String, Object> m = resource(id, "AWS::Lambda::EventSourceMapping", problems);
                        if (m == null) {
                            continue;
                        }
                        Map<String, Object> p = map(m.get("Properties"));
                        expect(problems, id + " function", Map.of("Ref", fn + "Aliaslive"), p.get("FunctionName"));
                        expect(problems, id + " source", SamTemplate.getAtt(declared.get(type.equals("SQS") ? "Queue" : "Stream")),
                                SamTemplate.getAtt(p.get("EventSourceArn")));
                        expect(problems, id + " BatchSize", declared.get("BatchSize"), p.get("BatchSize"));
                        expect(problems, id + " FunctionResponseTypes", List.of("ReportBatchItemFailures"), p.get("FunctionResponseTypes"));
                    }
                    case "EventBridgeRule" -> {
                        Map<String, Object> rule = resource(id, "AWS::Events::Rule", problems);
                        if (rule == null) {
                            continue;
                        }
                        Map<String, Object> p = map(rule.get("Properties"));
                        expect(problems, id + " pattern", declared.get("Pattern"), p.get("EventPattern"));
                        List<Object> targets = SamTemplate.list(p.get("Targets"));
                        if (targets.size() != 1 || !Map.of("Ref", fn + "Aliaslive").equals(map(targets.getFirst()).get("Arn"))) {
                            problems.add(id + ": its target is not " + fn + "'s live alias: " + targets);
                        }
                    }
                    case "HttpApi" -> {
                    }
                    default -> problems.add(id + ": an event of type " + type + " this test does not know");
                }
            }
        }
        assertTrue(mappings >= 2, "the stream's and the email queue's mappings: " + mappings);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private Map<String, Object> resource(String id, String type, List<String> problems) {
        Object r = resources.get(id);
        if (r == null || !type.equals(map(r).get("Type"))) {
            problems.add("the transformed template has no " + type + " " + id + (r == null ? "" : " (it is a " + map(r).get("Type") + ")"));
            return null;
        }
        return map(r);
    }

    private static void expect(List<String> problems, String what, Object expected, Object actual) {
        if (!Objects.equals(normalise(expected), normalise(actual))) {
            problems.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    /** Numbers compare by value (YAML reads ints, JSON may read longs). */
    private static Object normalise(Object o) {
        return o instanceof Number n ? n.longValue() : o;
    }
}
