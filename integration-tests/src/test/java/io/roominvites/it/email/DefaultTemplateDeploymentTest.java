package io.roominvites.it.email;

import io.roominvites.email.template.EmailTemplate;
import io.roominvites.local.template.TemplateRenderer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default template ships once, in email-templates/invitation.json; the copy on the classpath (what the
 * local runner creates) and the copy inlined in template.yaml's AWS::SES::Template (what a deployment
 * creates) must be the same template.
 */
class DefaultTemplateDeploymentTest {

    static Path root() {
        String configured = System.getProperty("project.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("email-templates"))) {
                return p;
            }
        }
        throw new AssertionError("no email-templates/ above " + start);
    }

    @Test
    void theClasspathCopyIsTheRepositorysFile() throws Exception {
        EmailTemplate file = EmailTemplate.fromJson(Files.readString(root().resolve("email-templates/invitation.json")));
        assertEquals(file, EmailTemplate.defaultInvitation());
        assertEquals(EmailTemplate.DEFAULT_NAME, file.name());
        for (String part : List.of(file.subject(), file.html(), file.text())) {
            TemplateRenderer.check(part);
        }
    }

    @Test
    void theTemplateYamlSnippetCarriesTheSameTemplates() throws Exception {
        Map<String, Object> t = sesTemplate(root().resolve("email-templates/template-yaml-snippet.yaml"));
        assertTrue(t != null, "the snippet has an AWS::SES::Template");
        assertSameTemplate(t);
        assertSameTemplates(root().resolve("email-templates/template-yaml-snippet.yaml"));
    }

    @Test
    void templateYamlDeploysTheSameTemplates() throws Exception {
        Path yaml = root().resolve("template.yaml");
        Assumptions.assumeTrue(Files.isRegularFile(yaml), "no template.yaml yet");
        Map<String, Object> t = sesTemplate(yaml);
        Assumptions.assumeTrue(t != null, "template.yaml has no AWS::SES::Template (the default template is deployed"
                + " with the AWS CLI; email-templates/template-yaml-snippet.yaml adds it to the stack)");
        assertSameTemplate(t);
        assertSameTemplates(yaml);
    }

    /** Every default template (the invitation and its follow-ups) is in {@code yaml}, each the same as its file. */
    @SuppressWarnings("unchecked")
    static void assertSameTemplates(Path yaml) throws Exception {
        Map<String, Object> doc = new Yaml(new CloudFormationTags()).load(Files.readString(yaml));
        Map<String, Map<String, Object>> byName = new java.util.HashMap<>();
        for (Object r : ((Map<String, Object>) doc.getOrDefault("Resources", Map.of())).values()) {
            if (r instanceof Map<?, ?> m && "AWS::SES::Template".equals(m.get("Type"))) {
                Map<String, Object> t = (Map<String, Object>) ((Map<String, Object>) m.get("Properties")).get("Template");
                byName.put(String.valueOf(t.get("TemplateName")), t);
            }
        }
        for (EmailTemplate shipped : EmailTemplate.defaults().subList(1, EmailTemplate.defaults().size())) {
            Map<String, Object> t = byName.get(shipped.name());
            assertTrue(t != null, yaml.getFileName() + " ships " + shipped.name());
            assertEquals(shipped.subject(), t.get("SubjectPart"), shipped.name());
            assertEquals(shipped.html(), t.get("HtmlPart"), shipped.name());
            assertEquals(shipped.text(), t.get("TextPart"), shipped.name());
        }
    }

    @Test
    void theFollowUpTemplatesAreNamedAfterTheInvitationsAndRenderTheirData() throws Exception {
        for (String suffix : List.of("updated", "cancelled", "reminder")) {
            EmailTemplate file = EmailTemplate.fromJson(Files.readString(root().resolve("email-templates/" + suffix + ".json")));
            assertEquals(EmailTemplate.DEFAULT_NAME + "-" + suffix, file.name());
            assertTrue(EmailTemplate.defaults().contains(file), "on the classpath: " + file.name());
            for (String part : List.of(file.subject(), file.html(), file.text())) {
                TemplateRenderer.check(part);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> data = io.roominvites.json.Json.parseObject(
                    Files.readString(root().resolve("email-templates/sample-data.json")));
            TemplateRenderer.Rendered r = TemplateRenderer.render(file, data);
            assertTrue(r.text().contains((String) data.get("roomTitle")), file.name());
            assertTrue(suffix.equals("cancelled") != r.text().contains((String) data.get("inviteLink")),
                    file.name() + ": the link in all but the cancellation");
        }
    }

    /** The Template property of the first AWS::SES::Template resource, or null. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> sesTemplate(Path yaml) throws Exception {
        Map<String, Object> doc = new Yaml(new CloudFormationTags()).load(Files.readString(yaml));
        Map<String, Object> resources = (Map<String, Object>) doc.getOrDefault("Resources", Map.of());
        List<Map<String, Object>> templates = new ArrayList<>();
        for (Object r : resources.values()) {
            if (r instanceof Map<?, ?> m && "AWS::SES::Template".equals(m.get("Type"))) {
                templates.add((Map<String, Object>) ((Map<String, Object>) m.get("Properties")).get("Template"));
            }
        }
        return templates.isEmpty() ? null : templates.getFirst();
    }

    static void assertSameTemplate(Map<String, Object> t) {
        EmailTemplate shipped = EmailTemplate.defaultInvitation();
        assertEquals(shipped.subject(), t.get("SubjectPart"));
        assertEquals(shipped.html(), t.get("HtmlPart"));
        assertEquals(shipped.text(), t.get("TextPart"));
        Object name = t.get("TemplateName");
        assertTrue(name instanceof Map<?, ?> || shipped.name().equals(name), "TemplateName: " + name + " (literal or !Ref)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSampleDataForPreviewsHasExactlyTheContractsNames() throws Exception {
        Map<String, Object> data = io.roominvites.json.Json.parseObject(
                Files.readString(root().resolve("email-templates/sample-data.json")));
        assertEquals(EmailSupport.CONTRACT_DATA, data.keySet());
        TemplateRenderer.Rendered r = TemplateRenderer.render(EmailTemplate.defaultInvitation(), data);
        assertTrue(r.text().contains((String) data.get("inviteLink")));
        assertTrue(((List<Object>) data.get("permissions")).size() > 1);
    }

    /** Reads CloudFormation's short tags as intrinsic functions: {@code !Ref X} becomes {@code {"!Ref": "X"}}. */
    static final class CloudFormationTags extends SafeConstructor {
        CloudFormationTags() {
            super(new LoaderOptions());
            this.yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    Object value;
                    if (node instanceof ScalarNode s) {
                        value = constructScalar(s);
                    } else if (node instanceof SequenceNode q) {
                        value = constructSequence(q);
                    } else {
                        value = constructMapping((MappingNode) node);
                    }
                    return Map.of(node.getTag().getValue(), value);
                }
            });
        }
    }
}
