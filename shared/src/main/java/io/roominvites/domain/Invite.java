package io.roominvites.domain;

import java.time.Instant;

/**
 * An invitation for one person to one room, as stored.
 *
 * @param storedStatus        PENDING, REDEEMED or REVOKED (EXPIRED is derived, see {@link #status(Instant)})
 * @param deviceId            the device the invite is bound to after its first redeem, else null
 * @param failedEmailAttempts wrong emails typed in the lobby so far
 * @param room                the copy of the room an invitee sees (schedule, title), kept in step with the room
 * @param roomDeleted         true once the room was deleted
 */
public record Invite(String inviteId, String roomId, String email, String firstName, String lastName, Role role,
                     InviteStatus storedStatus, Instant createdAt, String createdBy, String createdByName,
                     Instant expiresAt, Instant redeemedAt, Instant revokedAt, Instant promotedAt, String deviceId,
                     int failedEmailAttempts, RoomView room, boolean roomDeleted, EmailDelivery emailDelivery) {

    /** Wrong emails after which the invite locks. */
    public static final int MAX_EMAIL_ATTEMPTS = 5;

    /** The status callers see: a PENDING invite past its expiry is EXPIRED. */
    public InviteStatus status(Instant now) {
        if (storedStatus == InviteStatus.PENDING && !now.isBefore(expiresAt)) {
            return InviteStatus.EXPIRED;
        }
        return storedStatus;
    }

    /** This invite after a promotion to {@code newRole} at {@code at}. */
    public Invite withRole(Role newRole, Instant at) {
        return new Invite(inviteId, roomId, email, firstName, lastName, newRole, storedStatus, createdAt, createdBy,
                createdByName, expiresAt, redeemedAt, revokedAt, at, deviceId, failedEmailAttempts, room, roomDeleted,
                emailDelivery);
    }

    public boolean locked() {
        return failedEmailAttempts >= MAX_EMAIL_ATTEMPTS;
    }

    public boolean boundTo(String device) {
        return storedStatus == InviteStatus.REDEEMED && deviceId != null && deviceId.equals(device);
    }

    /**
     * Every attempt to email this invite, oldest first (never empty), and the provider's message id of the latest
     * one when it was sent. Status, time, error and count are the history's, not kept twice.
     */
    public record EmailDelivery(String messageId, java.util.List<Attempt> history) {
        public EmailDelivery {
            history = java.util.List.copyOf(history);
            if (history.isEmpty()) {
                throw new IllegalArgumentException("an email delivery has at least one attempt");
            }
        }

        /** The first attempt's record. */
        public static EmailDelivery first(String status, String messageId, String error, Instant at) {
            return new EmailDelivery(messageId, java.util.List.of(new Attempt(status, at, error)));
        }

        /** SENT or FAILED: the latest attempt's outcome. */
        public String status() {
            return latest().status();
        }

        /** When the latest attempt was made. */
        public Instant at() {
            return latest().at();
        }

        /** A human reason when the latest attempt failed. */
        public String error() {
            return latest().error();
        }

        /** How many attempts were made so far. */
        public int attempts() {
            return history.size();
        }

        private Attempt latest() {
            return history.getLast();
        }
    }

    /** One attempt to email the invite: SENT or FAILED, when, and why it failed. */
    public record Attempt(String status, Instant at, String error) {
    }

    /** How many times one invite may be emailed (the first send and resends): a bound on mail to one address. */
    public static final int MAX_EMAIL_SENDS = 10;
}
