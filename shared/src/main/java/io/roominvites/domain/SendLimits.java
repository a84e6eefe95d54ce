package io.roominvites.domain;

/**
 * How much email-bearing work a site allows: invites created (single or bulk row) and emails resent count against the
 * manager's and the room's rolling 24 hours; a resend of one invite waits {@code resendCooldownSeconds} after its
 * previous email.
 */
public record SendLimits(int perManagerPerDay, int perRoomPerDay, int resendCooldownSeconds) {
    public static final int DEFAULT_PER_MANAGER_PER_DAY = 500;
    public static final int DEFAULT_PER_ROOM_PER_DAY = 2000;
    public static final int DEFAULT_RESEND_COOLDOWN_SECONDS = 60;
    /** The largest daily limit a site may set (a ledger keeps at most one entry a minute, 1,440 in a day). */
    public static final int MAX_PER_DAY = 1_000_000;
    /** The longest resend cool-down: a day. */
    public static final int MAX_RESEND_COOLDOWN_SECONDS = 86_400;

    public SendLimits {
        if (perManagerPerDay < 1 || perManagerPerDay > MAX_PER_DAY || perRoomPerDay < 1 || perRoomPerDay > MAX_PER_DAY) {
            throw new IllegalArgumentException("daily send limits are 1 to " + MAX_PER_DAY);
        }
        if (resendCooldownSeconds < 0 || resendCooldownSeconds > MAX_RESEND_COOLDOWN_SECONDS) {
            throw new IllegalArgumentException("the resend cool-down is 0 to " + MAX_RESEND_COOLDOWN_SECONDS + " seconds");
        }
    }

    public static SendLimits defaults() {
        return new SendLimits(DEFAULT_PER_MANAGER_PER_DAY, DEFAULT_PER_ROOM_PER_DAY, DEFAULT_RESEND_COOLDOWN_SECONDS);
    }

    /** Which limit refused a send, by its name in the contract. */
    public enum Limit {
        PER_MANAGER_PER_DAY("perManagerPerDay"),
        PER_ROOM_PER_DAY("perRoomPerDay"),
        RESEND_COOLDOWN("resendCooldown");

        private final String id;

        Limit(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
