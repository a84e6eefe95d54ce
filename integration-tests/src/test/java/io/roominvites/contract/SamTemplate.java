package io.roominvites.contract;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.roominvites.local.invoke.TemplateYaml;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * template.yaml as data. CloudFormation's short-form intrinsics ({@code !Ref}, {@code !GetAtt}, {@code !Sub},
 * ...) are read into their long form ({@code {"Ref": ...}}, {@code {"Fn::GetAtt": [resource, attribute]}}, ...),
 * exactly as CloudFormation itself reads them ({@link TemplateYaml}, which scripts/invoke.sh reads it with too), so
 * the checks see one shape whatever the notation.
 */
final class SamTemplate {

    private final Map<String, Object> root;

    private SamTemplate(Map<String, Object> root) {
        this.root = root;
    }

    static SamTemplate load(Path file) throws IOException {
        return new SamTemplate(TemplateYaml.load(file));
    }

    Map<String, Object> root() {
        return root;
    }

    Map<String, Object> resources() {
        return map(root.get("Resources"));
    }

    Map<String, Object> parameters() {
        return root.containsKey("Parameters") ? map(root.get("Parameters")) : Map.of();
    }

    Map<String, Object> resource(String logicalId) {
        Object r = resources().get(logicalId);
        if (r == null) {
            throw new AssertionError("template.yaml has no resource " + logicalId);
        }
        return map(r);
    }

    Map<String, Object> properties(String logicalId) {
        Object p = resource(logicalId).get("Properties");
        return p == null ? Map.of() : map(p);
    }

    /** Logical ids of the resources of one type, in template order. */
    List<String> ofType(String type) {
        List<String> out = new ArrayList<>();
        resources().forEach((id, r) -> {
            if (type.equals(map(r).get("Type"))) {
                out.add(id);
            }
        });
        return out;
    }

    List<String> functions() {
        return ofType("AWS::Serverless::Function");
    }

    /** Globals.Function, or an empty map. */
    Map<String, Object> functionGlobals() {
        Object g = root.get("Globals");
        if (g == null) {
            return Map.of();
        }
        Object f = map(g).get("Function");
        return f == null ? Map.of() : map(f);
    }

    /** A function property, falling back to Globals.Function as SAM does for scalars. */
    Optional<Object> functionProperty(String logicalId, String name) {
        Object own = properties(logicalId).get(name);
        return Optional.ofNullable(own != null ? own : functionGlobals().get(name));
    }

    /** The function's environment variables: Globals merged with its own (its own win), as SAM merges maps. */
    Map<String, Object> environment(String logicalId) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.putAll(variables(functionGlobals().get("Environment")));
        out.putAll(variables(properties(logicalId).get("Environment")));
        return out;
    }

    private static Map<String, Object> variables(Object environment) {
        if (environment == null) {
            return Map.of();
        }
        Object v = map(environment).get("Variables");
        return v == null ? Map.of() : map(v);
    }

    /** "METHOD /path" of every HttpApi event of the function. */
    List<String> httpApiRoutes(String logicalId) {
        List<String> out = new ArrayList<>();
        Object events = properties(logicalId).get("Events");
        if (events == null) {
            return out;
        }
        map(events).forEach((name, e) -> {
            Map<String, Object> event = map(e);
            if ("HttpApi".equals(event.get("Type"))) {
                Map<String, Object> p = map(event.get("Properties"));
                out.add(String.valueOf(p.get("Method")).toUpperCase(java.util.Locale.ROOT) + " " + p.get("Path"));
            }
        });
        return out;
    }

    /** Events of the function that are not HttpApi (there should be none). */
    List<String> otherEvents(String logicalId) {
        List<String> out = new ArrayList<>();
        Object events = properties(logicalId).get("Events");
        if (events != null) {
            map(events).forEach((name, e) -> {
                if (!"HttpApi".equals(map(e).get("Type"))) {
                    out.add(name + " (" + map(e).get("Type") + ")");
                }
            });
        }
        return out;
    }

    // ------------------------------------------------------------------ intrinsic helpers

    /** The logical id of {@code {"Ref": id}}, or null. */
    static String ref(Object value) {
        if (value instanceof Map<?, ?> m && m.size() == 1 && m.get("Ref") instanceof String s) {
            return s;
        }
        return null;
    }

    /** [resource, attribute] of {@code {"Fn::GetAtt": ...}}, or null. */
    static List<String> getAtt(Object value) {
        if (value instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("Fn::GetAtt")) {
            Object v = m.get("Fn::GetAtt");
            if (v instanceof String s && s.contains(".")) {
                return List.of(s.substring(0, s.indexOf('.')), s.substring(s.indexOf('.') + 1));
            }
            if (v instanceof List<?> l && l.size() == 2) {
                return List.of(String.valueOf(l.get(0)), String.valueOf(l.get(1)));
            }
        }
        return null;
    }

    /** The string of {@code {"Fn::Sub": "..."}} (or of its first element), or null. */
    static String sub(Object value) {
        if (value instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("Fn::Sub")) {
            Object v = m.get("Fn::Sub");
            if (v instanceof String s) {
                return s;
            }
            if (v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String s) {
                return s;
            }
        }
        return null;
    }

    /** A scalar or a list as a list (IAM's Action and Resource take either). */
    static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        return List.of(value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError("expected a mapping, got " + value);
        }
        return (Map<String, Object>) value;
    }

    /** Whether a record passes the mapping's FilterCriteria (Lambda's filter syntax: exact values or prefixes listed, nested objects). */
    static boolean passesFilters(Map<String, Object> mapping, Map<String, Object> record) {
        if (!(mapping.get("FilterCriteria") instanceof Map<?, ?> criteria)) {
            return true;
        }
        return list(criteria.get("Filters")).stream().anyMatch(f -> {
            try {
                return matches(JSONObjectUtils.parse(String.valueOf(map(f).get("Pattern"))), record);
            } catch (java.text.ParseException e) {
                throw new AssertionError("a filter pattern that is not JSON: " + f, e);
            }
        });
    }

    static boolean matches(Object pattern, Object value) {
        if (pattern instanceof List<?> allowed) {
            // exact values, or {"prefix": "..."} (Lambda's prefix matching)
            return allowed.stream().anyMatch(a -> a instanceof Map<?, ?> m && m.get("prefix") instanceof String prefix
                    ? value instanceof String v && v.startsWith(prefix) : a.equals(value));
        }
        if (!(pattern instanceof Map<?, ?> p) || !(value instanceof Map<?, ?> v)) {
            throw new AssertionError("a filter pattern this test does not read: " + pattern);
        }
        return p.entrySet().stream().allMatch(e -> v.containsKey(e.getKey()) && matches(e.getValue(), v.get(e.getKey())));
    }

}
