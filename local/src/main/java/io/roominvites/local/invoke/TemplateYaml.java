package io.roominvites.local.invoke;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a CloudFormation / SAM template written in YAML, with its short-form intrinsic tags ({@code !Ref X},
 * {@code !Sub '...'}, {@code !GetAtt A.B}, ...) read as their long forms ({@code {"Ref": "X"}},
 * {@code {"Fn::Sub": "..."}}, {@code {"Fn::GetAtt": ["A", "B"]}}), as CloudFormation itself reads them.
 */
public final class TemplateYaml {
    private static final List<String> SHORT_FORMS = List.of("Ref", "Condition", "GetAtt", "Sub", "Join", "If", "Select",
            "Split", "Equals", "Not", "And", "Or", "FindInMap", "Base64", "Cidr", "GetAZs", "ImportValue", "Transform");

    private TemplateYaml() {
    }

    /** The template as nested maps and lists. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new IntrinsicConstructor()).load(r);
            if (!(doc instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(file + " is not a YAML mapping");
            }
            return (Map<String, Object>) doc;
        }
    }

    private static final class IntrinsicConstructor extends SafeConstructor {
        IntrinsicConstructor() {
            super(new LoaderOptions());
            for (String name : SHORT_FORMS) {
                String longName = name.equals("Ref") || name.equals("Condition") ? name : "Fn::" + name;
                this.yamlConstructors.put(new Tag("!" + name), new Intrinsic(longName));
            }
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String longName;

            Intrinsic(String longName) {
                this.longName = longName;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode s) {
                    value = constructScalar(s);
                    if (longName.equals("Fn::GetAtt")) {
                        String v = (String) value;
                        int dot = v.indexOf('.');
                        value = dot < 0 ? v : List.of(v.substring(0, dot), v.substring(dot + 1));
                    }
                } else if (node instanceof SequenceNode s) {
                    value = constructSequence(s);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put(longName, Objects.requireNonNullElse(value, ""));
                return out;
            }
        }
    }
}
