package io.roominvites.openapi;

import io.roominvites.domain.ErrorCode;
import io.roominvites.http.Operation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Keeps {@code openapi.yaml} in step with the implementation ({@link Operation}, {@link ErrorCode}) and with the
 * contract page {@code docs/api.md}: routes both ways, error codes both ways, and each documented error
 * answer's codes against their HTTP status.
 *
 * <p>The contract runs slightly ahead of the code while v2 is being built: {@link #AWAITING_ROUTES} and
 * {@link #AWAITING_CODES} name what docs/api.md and openapi.yaml already describe and the code does not serve yet.
 * Each entry must still be missing from the code (the test fails once it is implemented, so that the entry goes).
 */
class OpenApiContractTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    /** Answered by the router itself, not by an operation: allowed in the Error code enum, not required. */
    private static final Map<String, Integer> ROUTER_CODES = Map.of("ROUTE_NOT_FOUND", 404, "METHOD_NOT_ALLOWED", 405);
    /** v2 routes of the contract that no {@link Operation} serves yet. */
    static final Set<String> AWAITING_ROUTES = Set.of();
    /** v2 error codes of the contract that {@link ErrorCode} does not have yet, with their status. */
    static final Map<String, Integer> AWAITING_CODES = Map.of();
    static final String CONTRACT_PAGE = "docs/api.md";
    private static final String LOCAL_ONLY_TAG = "local-only";
    /** A route in a table's first cell: {@code | `GET /rooms/{roomId}/invites?status=&limit=` | ...}, maybe after {@code **(v2)**}. */
    private static final Pattern API_MD_ROUTE = Pattern.compile(
            "^\\|\\s*(?:\\*\\*\\(v\\d+\\)\\*\\*\\s*)?`(GET|PUT|POST|DELETE|PATCH) (/[^`?\\s]*)(?:\\?([^`]*))?`\\s*\\|");

    private static Path root;
    private static Map<String, Object> spec;
    /** "METHOD /path" to its operation object, in file order. */
    private static Map<String, Map<String, Object>> specRoutes;

    @BeforeAll
    static void load() throws IOException {
        root = projectRoot();
        Path file = root.resolve("openapi.yaml");
        assertTrue(Files.isRegularFile(file), "no openapi.yaml at " + file);
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            spec = map(new Yaml(new SafeConstructor(options)).load(in), "openapi.yaml");
        }
        assertTrue(String.valueOf(spec.get("openapi")).startsWith("3.1"), "openapi.yaml must be OpenAPI 3.1");
        specRoutes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> path : map(spec.get("paths"), "paths").entrySet()) {
            for (Map.Entry<String, Object> e : map(path.getValue(), path.getKey()).entrySet()) {
                if (METHODS.contains(e.getKey())) {
                    specRoutes.put(e.getKey().toUpperCase() + " " + path.getKey(), map(e.getValue(), path.getKey() + " " + e.getKey()));
                }
            }
        }
    }

    @Test
    void everyOperationIsDescribedAndNothingElse() {
        Set<String> implemented = Arrays.stream(Operation.values()).map(Operation::routeKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(implemented.size(), Operation.values().length, "two operations share a route");
        Set<String> missing = minus(implemented, specRoutes.keySet());
        Set<String> extra = minus(minus(specRoutes.keySet(), implemented), AWAITING_ROUTES);
        assertTrue(missing.isEmpty() && extra.isEmpty(),
                "openapi.yaml and io.roominvites.http.Operation disagree. Not in openapi.yaml: " + missing
                        + "; in openapi.yaml but no Operation serves it: " + extra);
        Set<String> done = new TreeSet<>(AWAITING_ROUTES);
        done.retainAll(implemented);
        assertTrue(done.isEmpty(), "implemented now, so remove them from AWAITING_ROUTES: " + done);
        assertTrue(specRoutes.keySet().containsAll(AWAITING_ROUTES), "AWAITING_ROUTES not in openapi.yaml: "
                + minus(AWAITING_ROUTES, specRoutes.keySet()));
    }

    @Test
    void everyApiMdRouteIsDescribedWithItsQueryParameters() throws IOException {
        Map<String, Set<String>> contract = apiMdRoutes();
        Set<String> missing = minus(contract.keySet(), specRoutes.keySet());
        assertTrue(missing.isEmpty(), "routes of " + CONTRACT_PAGE + " missing from openapi.yaml: " + missing);
        for (Map.Entry<String, Set<String>> route : contract.entrySet()) {
            Set<String> documented = parameters(route.getKey(), "query");
            Set<String> absent = minus(route.getValue(), documented);
            assertTrue(absent.isEmpty(), route.getKey() + ": query parameters of " + CONTRACT_PAGE + " missing from openapi.yaml: " + absent);
        }
    }

    @Test
    void everyRouteOfOpenApiIsOnTheContractPage() throws IOException {
        Set<String> beyond = minus(specRoutes.keySet(), apiMdRoutes().keySet());
        assertTrue(beyond.isEmpty(), "openapi.yaml describes routes that " + CONTRACT_PAGE + " does not list: " + beyond
                + ". The page is the contract in words: add them there.");
    }

    @Test
    void localOnlyRoutesAreMarkedAndOthersAreNot() {
        for (Operation op : Operation.values()) {
            Map<String, Object> operation = specRoutes.get(op.routeKey());
            if (operation == null) {
                continue; // reported by everyOperationIsDescribedAndNothingElse
            }
            boolean tagged = list(operation.getOrDefault("tags", List.of()), op.routeKey() + " tags").contains(LOCAL_ONLY_TAG);
            boolean flagged = Boolean.TRUE.equals(operation.get("x-local-only"));
            assertEquals(op.localOnly(), tagged, op.routeKey() + ": tag '" + LOCAL_ONLY_TAG + "' iff Operation.localOnly()");
            assertEquals(op.localOnly(), flagged, op.routeKey() + ": x-local-only: true iff Operation.localOnly()");
            if (op.localOnly()) {
                String text = operation.get("summary") + " " + operation.get("description");
                assertTrue(text.contains("never deployed"), op.routeKey() + " must say it is never deployed");
            }
        }
    }

    @Test
    void errorCodeEnumMatchesErrorCode() {
        Map<String, Object> error = schema("Error");
        Map<String, Object> code = resolve(path(error, "properties", "error", "properties", "code"));
        Set<String> documented = new TreeSet<>(strings(code.get("enum"), "Error code enum"));
        Set<String> implemented = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = minus(implemented, documented);
        missing.addAll(minus(AWAITING_CODES.keySet(), documented));
        Set<String> unknown = minus(minus(minus(documented, implemented), ROUTER_CODES.keySet()), AWAITING_CODES.keySet());
        assertTrue(missing.isEmpty() && unknown.isEmpty(), "the Error schema's code enum and io.roominvites.domain.ErrorCode "
                + "disagree. ErrorCode values missing from the enum: " + missing + "; codes ErrorCode does not have: " + unknown);
        List<String> required = strings(path(error, "properties", "error").get("required"), "Error.error.required");
        assertTrue(required.containsAll(List.of("code", "message", "requestId")), "Error.error requires code, message, requestId");
    }

    @Test
    void errorCodesOfApiMdMatchErrorCode() throws IOException {
        Map<String, Integer> contract = apiMdErrorCodes();
        Map<String, Integer> implemented = new TreeMap<>(AWAITING_CODES);
        for (ErrorCode c : ErrorCode.values()) {
            assertFalse(AWAITING_CODES.containsKey(c.name()), "ErrorCode has " + c + " now: remove it from AWAITING_CODES");
            implemented.put(c.name(), c.status());
        }
        assertEquals(contract, implemented, "the error code table of " + CONTRACT_PAGE + " and io.roominvites.domain.ErrorCode (with AWAITING_CODES) disagree");
    }

    @Test
    void everyErrorAnswerNamesCodesOfItsStatus() {
        Set<String> answered = new TreeSet<>();
        for (Map.Entry<String, Map<String, Object>> route : specRoutes.entrySet()) {
            Map<String, Object> responses = map(route.getValue().get("responses"), route.getKey() + " responses");
            for (Map.Entry<String, Object> r : responses.entrySet()) {
                String where = route.getKey() + " " + r.getKey();
                if (!r.getKey().matches("[1-5]\\d\\d")) {
                    fail(where + ": describe each answer by its status code");
                }
                int status = Integer.parseInt(r.getKey());
                if (status < 400) {
                    continue;
                }
                List<String> codes = errorCodes(resolve(map(r.getValue(), where)), where);
                assertFalse(codes.isEmpty(), where + ": an error answer must name its codes (Error narrowed by allOf)");
                for (String c : codes) {
                    Integer expected = ROUTER_CODES.containsKey(c) ? ROUTER_CODES.get(c)
                            : AWAITING_CODES.containsKey(c) ? AWAITING_CODES.get(c) : statusOf(c, where);
                    assertEquals(expected, status, where + ": " + c + " is answered with " + expected);
                    answered.add(c);
                }
            }
        }
        Set<String> all = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
        all.addAll(AWAITING_CODES.keySet());
        Set<String> never = minus(all, answered);
        assertTrue(never.isEmpty(), "ErrorCode values that no operation of openapi.yaml answers: " + never);
    }

    @Test
    void pathTemplatesAndPathParametersAgree() {
        Pattern name = Pattern.compile("\\{([^}]+)}");
        for (String route : specRoutes.keySet()) {
            Set<String> inTemplate = new TreeSet<>();
            Matcher m = name.matcher(route.substring(route.indexOf(' ') + 1));
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            assertEquals(inTemplate, parameters(route, "path"), route + ": path template and path parameters differ");
        }
    }

    @Test
    void everyReferenceResolves() {
        List<String> broken = new ArrayList<>();
        collectRefs(spec, broken);
        assertTrue(broken.isEmpty(), "unresolvable $ref in openapi.yaml: " + broken);
    }

    // ------------------------------------------------------------------ docs/api.md

    /** "METHOD /path" of every table row of the contract page, with the names of its query parameters. */
    private static Map<String, Set<String>> apiMdRoutes() throws IOException {
        Map<String, Set<String>> routes = new TreeMap<>();
        for (String line : apiMd()) {
            Matcher m = API_MD_ROUTE.matcher(line.strip());
            if (m.find()) {
                Set<String> query = new TreeSet<>();
                if (m.group(3) != null) {
                    for (String pair : m.group(3).split("&")) {
                        String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
                        if (!key.isBlank()) {
                            query.add(key.strip());
                        }
                    }
                }
                routes.put(m.group(1) + " " + m.group(2), query);
            }
        }
        assertTrue(routes.size() >= 10, "found only " + routes.size() + " routes in the tables of " + CONTRACT_PAGE + ": has its format changed?");
        return routes;
    }

    /** The "## Error codes" table of the contract page: code to status (a row may name several codes, or start with **(v2)**). */
    private static Map<String, Integer> apiMdErrorCodes() throws IOException {
        Map<String, Integer> codes = new TreeMap<>();
        boolean inSection = false;
        Pattern row = Pattern.compile("^\\|\\s*(?:\\*\\*\\(v\\d+\\)\\*\\*\\s*)?([A-Z_][A-Z_, ]*[A-Z_])\\s*\\|\\s*(\\d{3})\\s*\\|");
        for (String line : apiMd()) {
            if (line.startsWith("## ")) {
                inSection = line.strip().equalsIgnoreCase("## Error codes");
                continue;
            }
            Matcher m = row.matcher(line.strip());
            if (inSection && m.find()) {
                for (String c : m.group(1).split(",")) {
                    codes.put(c.strip(), Integer.parseInt(m.group(2)));
                }
            }
        }
        assertFalse(codes.isEmpty(), "no '## Error codes' table found in " + CONTRACT_PAGE);
        return codes;
    }

    private static List<String> apiMd() throws IOException {
        Path file = root.resolve(CONTRACT_PAGE);
        assertTrue(Files.isRegularFile(file), "The contract page " + file + " is missing (project.root is " + root + ").");
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ openapi.yaml

    /** Names of the parameters "in" a place (path, query, header), path-level and operation-level together. */
    private static Set<String> parameters(String route, String in) {
        String path = route.substring(route.indexOf(' ') + 1);
        Map<String, Object> pathItem = map(map(spec.get("paths"), "paths").get(path), path);
        List<Object> all = new ArrayList<>(list(pathItem.getOrDefault("parameters", List.of()), path + " parameters"));
        all.addAll(list(specRoutes.get(route).getOrDefault("parameters", List.of()), route + " parameters"));
        Set<String> names = new TreeSet<>();
        for (Object p : all) {
            Map<String, Object> param = resolve(map(p, route + " parameter"));
            if (in.equals(param.get("in"))) {
                if ("path".equals(in)) {
                    assertEquals(Boolean.TRUE, param.get("required"), route + ": path parameter " + param.get("name") + " must be required");
                }
                names.add(String.valueOf(param.get("name")));
            }
        }
        return names;
    }

    /** The codes an error answer names: the enum that narrows error.code in an allOf beside the Error schema. */
    private static List<String> errorCodes(Map<String, Object> response, String where) {
        Map<String, Object> content = map(response.get("content"), where + " content");
        Map<String, Object> schema = map(map(content.get("application/json"), where + " application/json").get("schema"), where + " schema");
        List<Object> allOf = list(schema.get("allOf"), where + " schema.allOf");
        assertTrue(allOf.stream().anyMatch(s -> "#/components/schemas/Error".equals(map(s, where).get("$ref"))),
                where + ": the schema must be allOf the Error schema and a narrowing of error.code");
        List<String> codes = new ArrayList<>();
        for (Object part : allOf) {
            Map<String, Object> p = map(part, where);
            if (!p.containsKey("$ref")) {
                codes.addAll(strings(path(p, "properties", "error", "properties", "code").get("enum"), where + " code enum"));
            }
        }
        return codes;
    }

    private static int statusOf(String code, String where) {
        try {
            return ErrorCode.valueOf(code).status();
        } catch (IllegalArgumentException e) {
            throw new AssertionError(where + ": " + code + " is not an ErrorCode");
        }
    }

    private static Map<String, Object> schema(String name) {
        return map(map(map(spec.get("components"), "components").get("schemas"), "schemas").get(name), "schema " + name);
    }

    /** The object a {@code $ref} points at (followed repeatedly), or the object itself. */
    private static Map<String, Object> resolve(Map<String, Object> node) {
        Map<String, Object> current = node;
        for (int hops = 0; current.containsKey("$ref"); hops++) {
            assertTrue(hops < 10, "$ref cycle at " + current.get("$ref"));
            current = map(target(String.valueOf(current.get("$ref"))), String.valueOf(current.get("$ref")));
        }
        return current;
    }

    /** What a local reference ("#/a/b") points at; null when it does not resolve. */
    private static Object target(String ref) {
        assertTrue(ref.startsWith("#/"), "only local references are expected: " + ref);
        Object current = spec;
        for (String part : ref.substring(2).split("/")) {
            String key = part.replace("~1", "/").replace("~0", "~");
            if (!(current instanceof Map<?, ?> m) || !m.containsKey(key)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    private static void collectRefs(Object node, List<String> broken) {
        if (node instanceof Map<?, ?> m) {
            Object ref = m.get("$ref");
            if (ref instanceof String s && target(s) == null) {
                broken.add(s);
            }
            m.values().forEach(v -> collectRefs(v, broken));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectRefs(v, broken));
        }
    }

    private static Map<String, Object> path(Map<String, Object> node, String... keys) {
        Map<String, Object> current = node;
        StringBuilder where = new StringBuilder();
        for (String k : keys) {
            where.append('.').append(k);
            current = resolve(map(current.get(k), where.toString()));
        }
        return current;
    }

    // ------------------------------------------------------------------ plumbing

    private static Path projectRoot() {
        String property = System.getProperty("project.root");
        Path start = property != null ? Path.of(property) : Path.of("").toAbsolutePath();
        Path dir = start.toAbsolutePath().normalize();
        if (property == null && !Files.exists(dir.resolve("openapi.yaml")) && dir.getParent() != null) {
            dir = dir.getParent(); // run from the module directory without surefire's property
        }
        return dir;
    }

    /** A YAML mapping with its keys as strings (YAML reads an unquoted 200 as a number). */
    private static Map<String, Object> map(Object node, String where) {
        assertNotNull(node, "openapi.yaml: nothing at " + where);
        assertTrue(node instanceof Map, "openapi.yaml: expected a mapping at " + where + ", found " + node);
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<?, ?>) node).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node, String where) {
        assertTrue(node instanceof List, "openapi.yaml: expected a list at " + where + ", found " + node);
        return (List<Object>) node;
    }

    private static List<String> strings(Object node, String where) {
        return list(node, where).stream().map(String::valueOf).toList();
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
