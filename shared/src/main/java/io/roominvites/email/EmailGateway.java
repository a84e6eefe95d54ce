package io.roominvites.email;

import java.util.List;

import java.util.Map;

/**
 * Sends invitation emails through a provider's stored templates (SES v2 in production). Plain Java:
 * the SES adapter lives in the {@code email} module, so functions that never send mail do not carry it.
 */
public interface EmailGateway {

    /** True when a template of that name exists at the provider (implementations may cache briefly). */
    boolean templateExists(String templateName);

    /**
     * Sends one templated email. Never throws for a provider failure: the outcome says what happened,
     * so the invite is kept and the manager can resend.
     */
    SendOutcome send(String to, String templateName, Map<String, Object> templateData);

    /**
     * As {@link #send(String, String, Map)}, with files attached to the templated email (the invitation's
     * {@code invite.ics}). A gateway that can't attach sends without them.
     */
    default SendOutcome send(String to, String templateName, Map<String, Object> templateData, List<Attachment> attachments) {
        return send(to, templateName, templateData);
    }

    /**
     * The bare address emails come from ({@code invites@example.com} of {@code Room Invites <invites@example.com>}),
     * or null when unknown: a calendar file's ORGANIZER (RFC 5546 asks one of every REQUEST and CANCEL).
     */
    default String senderAddress() {
        return null;
    }

    /** The bare address in {@code from} ({@code Name <a@b>} or {@code a@b}), or null. */
    static String bareAddress(String from) {
        if (from == null || from.isBlank()) {
            return null;
        }
        int lt = from.lastIndexOf('<');
        int gt = from.lastIndexOf('>');
        String a = lt >= 0 && gt > lt ? from.substring(lt + 1, gt) : from;
        a = a.strip();
        return a.contains("@") && !a.contains(" ") ? a : null;
    }

    /** A file attached to an email. */
    record Attachment(String fileName, String contentType, byte[] content) {
    }

    /** The outcome of one send. */
    record SendOutcome(boolean sent, String messageId, String error) {
        public static SendOutcome sent(String messageId) {
            return new SendOutcome(true, messageId, null);
        }

        public static SendOutcome failed(String reason) {
            return new SendOutcome(false, null, reason);
        }
    }

    /** For functions and set-ups without email: no template exists, so sending is never offered. */
    EmailGateway NONE = new EmailGateway() {
        @Override
        public boolean templateExists(String templateName) {
            return false;
        }

        @Override
        public SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
            return SendOutcome.failed("Email sending is not available in this function.");
        }
    };
}
