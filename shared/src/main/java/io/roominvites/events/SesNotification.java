package io.roominvites.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * What an SES delivery report (an SES event publishing record, as EventBridge delivers it: {@code detail} holds
 * the SES event) says about one message: which message, what happened (DELIVERED, BOUNCED, COMPLAINED or DELAYED),
 * when, and a reason a person understands ("mailbox does not exist"). Never the recipient's address.
 */
public record SesNotification(String messageId, String type, Instant at, String reason) {

    /**
     * The report in an EventBridge event of source {@code aws.ses} (or the bare SES event); null when it is not a
     * delivery report this service records (a send, an open, a click, a rejection).
     *
     * @throws IllegalArgumentException when it is not an SES event at all
     */
    public static SesNotification parse(Map<String, Object> event) {
        Map<String, Object> ses = event.get("detail") instanceof Map<?, ?> d ? cast(d) : event;
        Object eventType = ses.get("eventType") != null ? ses.get("eventType") : ses.get("notificationType");
        if (!(eventType instanceof String kind) || !(ses.get("mail") instanceof Map<?, ?> mail)
                || !(mail.get("messageId") instanceof String messageId) || messageId.isBlank()) {
            throw new IllegalArgumentException("not an SES event (eventType and mail.messageId are required)");
        }
        return switch (kind) {
            case "Delivery" -> new SesNotification(messageId, "DELIVERED", time(ses, "delivery", mail), null);
            case "Bounce" -> new SesNotification(messageId, "BOUNCED", time(ses, "bounce", mail), bounceReason(ses));
            case "Complaint" -> new SesNotification(messageId, "COMPLAINED", time(ses, "complaint", mail),
                    complaintReason(ses));
            case "DeliveryDelay" -> new SesNotification(messageId, "DELAYED", time(ses, "deliveryDelay", mail),
                    delayReason(ses));
            default -> null;
        };
    }

    private static String bounceReason(Map<String, Object> ses) {
        Map<String, Object> b = part(ses, "bounce");
        String type = String.valueOf(b.get("bounceType"));
        String sub = String.valueOf(b.get("bounceSubType"));
        String reason = switch (sub) {
            case "NoEmail" -> "mailbox does not exist";
            case "Suppressed", "OnAccountSuppressionList" -> "the address is on the suppression list after earlier bounces";
            case "MailboxFull" -> "mailbox full";
            case "MessageTooLarge" -> "message too large";
            case "ContentRejected", "AttachmentRejected" -> "the receiving server rejected the content";
            default -> "Permanent".equals(type) ? "the receiving server refused the address"
                    : "the receiving server could not take the message for now";
        };
        return "Permanent".equals(type) ? reason : reason + " (temporary)";
    }

    private static String complaintReason(Map<String, Object> ses) {
        Object feedback = part(ses, "complaint").get("complaintFeedbackType");
        return feedback instanceof String f && !f.isBlank() ? "marked as spam (" + f + ")" : "marked as spam";
    }

    private static String delayReason(Map<String, Object> ses) {
        Object delay = part(ses, "deliveryDelay").get("delayType");
        return switch (delay instanceof String s ? s : "") {
            case "MailboxFull" -> "mailbox full, still trying";
            case "TransientCommunicationFailure" -> "the receiving server is not answering, still trying";
            case "SpamDetected", "IPFailure" -> "the receiving server is deferring it, still trying";
            default -> "delayed, still trying";
        };
    }

    private static Instant time(Map<String, Object> ses, String part, Map<?, ?> mail) {
        for (Object t : new Object[]{part(ses, part).get("timestamp"), mail.get("timestamp")}) {
            if (t instanceof String s) {
                try {
                    return Instant.parse(s);
                } catch (DateTimeParseException ignored) {
                    // the next one
                }
            }
        }
        throw new IllegalArgumentException("an SES event without a timestamp");
    }

    private static Map<String, Object> part(Map<String, Object> ses, String name) {
        return ses.get(name) instanceof Map<?, ?> m ? cast(m) : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** The EventBridge detail-types of the reports {@link #parse} records (for the template's rule). */
    public static final List<String> DETAIL_TYPES = List.of("Email Delivered", "Email Bounced",
            "Email Complaint Received", "Email Delivery Delayed");
}
