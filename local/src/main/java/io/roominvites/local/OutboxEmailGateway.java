package io.roominvites.local;

import io.roominvites.domain.Emails;
import io.roominvites.email.DeliveryFailure;
import io.roominvites.email.EmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.local.template.TemplateException;
import io.roominvites.local.template.TemplateRenderer;
import io.roominvites.logging.Log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local runner's email backend without SES: templates kept in memory (the default one is created
 * at start-up), each send rendered the way SES renders it ({@link EmailTemplate#render}: Handlebars
 * without escaping, over HTML-safe values) and written as an {@code .eml} file to a folder, which
 * {@code GET /dev/outbox} lists.
 */
public final class OutboxEmailGateway implements EmailGateway {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,120}");
    private static final Pattern INVITE_LINK = Pattern.compile("https?://[^\\s\"'<>]+#invite=[A-Za-z0-9._~-]+");
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final String from;
    private final Clock clock;
    private final Map<String, EmailTemplate> templates = new ConcurrentHashMap<>();

    public OutboxEmailGateway(Path dir, String from) {
        this(dir, from, Clock.systemUTC());
    }

    public OutboxEmailGateway(Path dir, String from, Clock clock) {
        this.dir = dir.toAbsolutePath().normalize();
        this.from = from;
        this.clock = clock;
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the local outbox folder " + this.dir, e);
        }
    }

    @Override
    public String senderAddress() {
        return EmailGateway.bareAddress(from);
    }

    /** The folder the {@code .eml} files go to. */
    public Path dir() {
        return dir;
    }

    /** Creates or replaces a template (like SES CreateEmailTemplate / UpdateEmailTemplate). */
    public void putTemplate(EmailTemplate template) {
        templates.put(template.name(), template);
    }

    /** Deletes a template (like SES DeleteEmailTemplate); true when it existed. */
    public boolean deleteTemplate(String name) {
        return templates.remove(name) != null;
    }

    @Override
    public boolean templateExists(String templateName) {
        return templateName != null && templates.containsKey(templateName);
    }

    @Override
    public SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
        return send(to, templateName, templateData, List.of());
    }

    /** As SES's templated send with attachments: each attachment is kept beside the {@code .eml} ({@link #ATTACHMENT}). */
    @Override
    public SendOutcome send(String to, String templateName, Map<String, Object> templateData, List<Attachment> attachments) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("to", Emails.mask(to));
        fields.put("template", templateName);
        EmailTemplate template = templates.get(templateName);
        if (template == null) {
            fields.put("failure", DeliveryFailure.TEMPLATE_MISSING.name());
            Log.warn("invitation email not sent", fields);
            return DeliveryFailure.TEMPLATE_MISSING.outcome();
        }
        TemplateRenderer.Rendered rendered;
        try {
            rendered = TemplateRenderer.render(template, templateData);
        } catch (TemplateException e) {
            fields.put("failure", DeliveryFailure.FAILED.name());
            fields.put("templateProblem", e.getMessage());
            Log.warn("invitation email not sent", fields);
            return DeliveryFailure.FAILED.outcome();
        }
        Instant now = clock.instant();
        String random = UUID.randomUUID().toString().replace("-", "");
        String id = FILE_TIME.format(now) + "-" + random.substring(0, 8);
        String messageId = "local-" + random + "@room-invites.local";
        String eml = Eml.write(new Eml.Message(messageId, from, to, rendered.subject(), now, templateName,
                rendered.text(), rendered.html()));
        Path file = dir.resolve(id + ".eml");
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < attachments.size(); i++) {
                // written before the message, so the listing never shows a message without its files
                Files.write(dir.resolve(id + ATTACHMENT + i + "." + safeName(attachments.get(i).fileName())),
                        attachments.get(i).content());
            }
            Path tmp = dir.resolve("." + id + ".tmp");
            Files.writeString(tmp, eml, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            fields.put("failure", DeliveryFailure.FAILED.name());
            fields.put("errorType", e.getClass().getSimpleName());
            Log.warn("invitation email not sent", fields);
            return DeliveryFailure.FAILED.outcome();
        }
        fields.put("messageId", messageId);
        fields.put("outboxFile", file.getFileName().toString());
        Log.info("invitation email written to the local outbox", fields);
        return SendOutcome.sent(messageId);
    }

    /** The outbox, newest first (every {@code .eml} in the folder, also from earlier runs). */
    public List<OutboxEmail> list() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.eml")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            return List.of();
        }
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        List<OutboxEmail> out = new ArrayList<>(files.size());
        for (Path f : files) {
            read(f).ifPresent(out::add);
        }
        return out;
    }

    /** One message by its id (the file name without {@code .eml}). */
    public Optional<OutboxEmail> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Path f = dir.resolve(id + ".eml").normalize();
        if (!f.getParent().equals(dir) || !Files.isRegularFile(f)) {
            return Optional.empty();
        }
        return read(f);
    }

    /** Deletes every {@code .eml} in the folder; answers how many. */
    public int clear() {
        int n = 0;
        for (OutboxEmail e : list()) {
            try {
                for (OutboxAttachment a : e.attachments()) {
                    Files.deleteIfExists(a.file());
                }
                if (Files.deleteIfExists(e.file())) {
                    n++;
                }
            } catch (IOException ignored) {
                // left in place
            }
        }
        return n;
    }

    private static Optional<OutboxEmail> read(Path f) {
        try {
            String raw = Files.readString(f, StandardCharsets.UTF_8);
            Eml.Message m = Eml.read(raw);
            String name = f.getFileName().toString();
            String id = name.substring(0, name.length() - 4);
            return Optional.of(new OutboxEmail(id, f, m.messageId(), m.from(), m.to(),
                    m.subject(), m.date(), m.template(), m.text(), m.html(), raw,
                    attachmentsOf(f.getParent(), id).stream().map(OutboxAttachment::of).toList()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** An attachment's file beside its message: {@code {id}.att.{n}.{fileName}}. */
    static final String ATTACHMENT = ".att.";

    private static String safeName(String name) {
        String n = name == null ? "file" : name.replaceAll("[^A-Za-z0-9._-]", "_");
        return n.isEmpty() || n.startsWith(".") ? "file" + n : n;
    }

    /** The files kept beside message {@code id}, in the order they were attached. */
    private static List<Path> attachmentsOf(Path dir, String id) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, id + ATTACHMENT + "*")) {
            stream.forEach(out::add);
        } catch (IOException e) {
            return List.of();
        }
        out.sort(Comparator.comparing((Path p) -> p.getFileName().toString()));
        return out;
    }

    /** A file attached to a message, kept beside it. */
    public record OutboxAttachment(String fileName, Path file) {
        /** The name it was attached under. */
        public static OutboxAttachment of(Path file) {
            String name = file.getFileName().toString();
            int at = name.indexOf(ATTACHMENT);
            String rest = name.substring(at + ATTACHMENT.length());
            return new OutboxAttachment(rest.substring(rest.indexOf('.') + 1), file);
        }
    }

    /** A message in the outbox. */
    public record OutboxEmail(String id, Path file, String messageId, String from, String to, String subject,
                              Instant sentAt, String template, String text, String html, String raw,
                              List<OutboxAttachment> attachments) {
        /** The invitation links in the message (from the text part, else the HTML part). */
        public List<String> inviteLinks() {
            List<String> links = new ArrayList<>();
            String source = text != null ? text : html == null ? "" : html;
            Matcher m = INVITE_LINK.matcher(source);
            while (m.find()) {
                if (!links.contains(m.group())) {
                    links.add(m.group());
                }
            }
            return links;
        }
    }
}
