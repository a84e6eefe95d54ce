package io.roominvites.testkit;

import io.roominvites.email.EmailGateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An email gateway that keeps what it was asked to send. Templates exist only when added; a send fails while
 * {@link #failWith} holds a reason. Message ids are {@code msg-1}, {@code msg-2}, ... in order of sending.
 */
public final class RecordingEmail implements EmailGateway {
    /** One email asked for. */
    public record Sent(String to, String template, Map<String, Object> data, List<Attachment> attachments) {
    }

    private final Set<String> templates = new java.util.concurrent.ConcurrentSkipListSet<>();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private volatile String failure;

    public RecordingEmail withTemplate(String name) {
        templates.add(name);
        return this;
    }

    /** Every send fails with {@code reason} from now on (null: sends succeed again). */
    public void failWith(String reason) {
        failure = reason;
    }

    /** The emails asked for so far, oldest first (failed ones too). */
    public List<Sent> sent() {
        return new ArrayList<>(sent);
    }

    @Override
    public boolean templateExists(String templateName) {
        return templates.contains(templateName);
    }

    @Override
    public SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
        return send(to, templateName, templateData, List.of());
    }

    @Override
    public SendOutcome send(String to, String templateName, Map<String, Object> templateData, List<Attachment> attachments) {
        sent.add(new Sent(to, templateName, Map.copyOf(templateData), List.copyOf(attachments)));
        String reason = failure;
        return reason != null ? SendOutcome.failed(reason) : SendOutcome.sent("msg-" + sent.size());
    }
}
