package io.roominvites.email.template;

import io.roominvites.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored email template as SES v2 keeps it: a name, a subject, an HTML part and a text part, each a
 * Handlebars template over the data of docs/api.md ("Email template data").
 *
 * <p>The default invitation template is {@code email-templates/invitation.json} at the repository
 * root, in the shape of SES v2 CreateEmailTemplate ({@code aws sesv2 create-email-template
 * --cli-input-json file://email-templates/invitation.json}); the build copies it onto the classpath.
 *
 * <p>SES renders it in AWS; only the local runner renders it itself ({@code io.roominvites.local.template}), so the
 * functions carry no renderer.
 */
public record EmailTemplate(String name, String subject, String html, String text) {
    /** The name the default template is created under, and the local runner's settings use. */
    public static final String DEFAULT_NAME = "RoomInvitation";
    static final String DEFAULT_RESOURCE = "/email-templates/invitation.json";

    public EmailTemplate {
        if (name == null || name.isBlank() || subject == null || (html == null && text == null)) {
            throw new IllegalArgumentException("a template needs a name, a subject and an HTML or text part");
        }
    }

    /** The default invitation template shipped in email-templates/invitation.json. */
    public static EmailTemplate defaultInvitation() {
        return resource(DEFAULT_RESOURCE);
    }

    /** The languages the default templates ship in besides English (their names end in {@code -es}, ...). */
    public static final java.util.List<String> TRANSLATIONS = java.util.List.of("es", "de", "ar");
    /** The default templates' files, the invitation first: email-templates/{kind}.json. */
    static final java.util.List<String> KINDS = java.util.List.of("invitation", "updated", "cancelled", "reminder");

    /**
     * Every default template the stack ships: the invitation, then the follow-ups named after it with a suffix
     * ({@code RoomInvitation-updated}, {@code -cancelled}, {@code -reminder}: email-templates/updated.json...), then
     * each of the four in each of {@link #TRANSLATIONS} ({@code RoomInvitation-de}, {@code RoomInvitation-updated-de}:
     * email-templates/invitation.de.json, updated.de.json...).
     */
    public static java.util.List<EmailTemplate> defaults() {
        java.util.List<EmailTemplate> out = new java.util.ArrayList<>();
        for (String kind : KINDS) {
            out.add(resource("/email-templates/" + kind + ".json"));
        }
        for (String lang : TRANSLATIONS) {
            for (String kind : KINDS) {
                out.add(resource("/email-templates/" + kind + "." + lang + ".json"));
            }
        }
        return java.util.List.copyOf(out);
    }

    private static EmailTemplate resource(String path) {
        try (InputStream in = EmailTemplate.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the classpath (the email module's build copies it from email-templates/)");
            }
            return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the SES v2 CreateEmailTemplate shape: {@code {TemplateName, TemplateContent: {Subject, Html, Text}}}. */
    @SuppressWarnings("unchecked")
    public static EmailTemplate fromJson(String json) {
        try {
            Map<String, Object> root = Json.parseObject(json);
            if (!(root.get("TemplateContent") instanceof Map<?, ?> content)) {
                throw new IllegalArgumentException("TemplateContent is missing");
            }
            Map<String, Object> c = (Map<String, Object>) content;
            return new EmailTemplate((String) root.get("TemplateName"), (String) c.get("Subject"), (String) c.get("Html"),
                    (String) c.get("Text"));
        } catch (ParseException | ClassCastException e) {
            throw new IllegalArgumentException("not an SES v2 CreateEmailTemplate document: " + e.getMessage(), e);
        }
    }

    /** The same template under another name. */
    public EmailTemplate named(String newName) {
        return new EmailTemplate(newName, subject, html, text);
    }

    /** The SES v2 CreateEmailTemplate document. */
    public String toJson() {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("Subject", subject);
        if (html != null) {
            content.put("Html", html);
        }
        if (text != null) {
            content.put("Text", text);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("TemplateName", name);
        root.put("TemplateContent", content);
        return Json.write(root);
    }
}
