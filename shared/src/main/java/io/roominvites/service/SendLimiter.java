package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.SendLedger;
import io.roominvites.domain.SendLimits;
import io.roominvites.store.SendQuotaStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The send limits (settings' {@code sendLimits}): books invites created and emails resent against the manager's and
 * the room's rolling 24 hours, by an optimistic write of both ledgers at once, so racing requests never book past a
 * limit. A single create decides on the ledgers read with its room ({@link #decide}) and books them in the invite's
 * own transaction; a bulk and a resend {@link #book} first, and such a booking is not given back when the write it
 * was for then fails (rare: a room changed, a lost race): a limit may be met a little early, never passed.
 */
final class SendLimiter {
    private static final int ATTEMPTS = 60;
    private final SendQuotaStore store;

    /** {@code store} null: no limits (a store without ledgers, in tests of other rules). */
    SendLimiter(SendQuotaStore store) {
        this.store = store;
    }

    /**
     * What a booking got: {@code booked} sends (0 when refused); when fewer than wanted, the limit that stopped it and
     * how long until one more fits.
     */
    record Booking(int booked, SendLimits.Limit limit, Duration retryAfter, int limitValue) {
        InviteException refusal() {
            return limited(limit, limitValue, retryAfter);
        }
    }

    /** The ledger keys of {@code caller} in {@code roomId}: the manager's, then the room's (none without a store). */
    List<String> keys(Caller caller, String roomId) {
        return store == null ? List.of() : List.of(managerKey(caller), "ROOM#" + roomId);
    }

    /**
     * What the ledgers {@code read} (as {@link #keys}) allow: how many of {@code wanted} sends fit (none when
     * {@code allOrNothing} and not all fit), the booking to write for them, and, when fewer than wanted fit, the limit
     * that stopped it and how long until one more fits. No ledgers (no store): everything fits, nothing to write.
     */
    Decision decide(List<SendQuotaStore.Stored> read, int wanted, boolean allOrNothing, SendLimits limits, Instant now) {
        if (read.isEmpty() || wanted <= 0) {
            return new Decision(new Booking(wanted, null, Duration.ZERO, 0), null);
        }
        SendLedger manager = read.get(0).ledger();
        SendLedger room = read.get(1).ledger();
        int managerRoom = manager.room(limits.perManagerPerDay(), now);
        int roomRoom = room.room(limits.perRoomPerDay(), now);
        int fits = Math.min(wanted, Math.min(managerRoom, roomRoom));
        if (allOrNothing && fits < wanted) {
            fits = 0;
        }
        SendLedger managerAfter = manager.book(fits, now);
        SendLedger roomAfter = room.book(fits, now);
        Booking outcome = new Booking(fits, null, Duration.ZERO, 0);
        if (fits < wanted) {
            // the limit with less room stops it; one more fits when enough of its bookings (these included) left
            boolean byManager = managerRoom <= roomRoom;
            int need = allOrNothing ? wanted : 1;
            outcome = byManager
                    ? new Booking(fits, SendLimits.Limit.PER_MANAGER_PER_DAY,
                    managerAfter.waitFor(need, limits.perManagerPerDay(), now), limits.perManagerPerDay())
                    : new Booking(fits, SendLimits.Limit.PER_ROOM_PER_DAY,
                    roomAfter.waitFor(need, limits.perRoomPerDay(), now), limits.perRoomPerDay());
        }
        return new Decision(outcome, fits == 0 ? null : new SendQuotaStore.Booking(read, List.of(managerAfter, roomAfter)));
    }

    /** A decision: its outcome, and the ledgers to write for it (null when nothing is booked). */
    record Decision(Booking outcome, SendQuotaStore.Booking write) {
    }

    /**
     * Books {@code wanted} sends of {@code caller} in {@code roomId} at {@code now} in a write of their own: all of
     * them, or as many as both limits still allow (none when {@code allOrNothing} and not all fit).
     */
    Booking book(Caller caller, String roomId, int wanted, boolean allOrNothing, SendLimits limits, Instant now) {
        List<String> keys = keys(caller, roomId);
        if (keys.isEmpty() || wanted <= 0) {
            return new Booking(wanted, null, Duration.ZERO, 0);
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Decision d = decide(store.loadLedgers(keys), wanted, allOrNothing, limits, now);
            if (d.write() == null || store.saveLedgers(d.write().read(), d.write().next(), now)) {
                return d.outcome();
            }
            InviteService.pause(attempt);
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    /** How many times a write that lost a race to another booking is decided again. */
    static int attempts() {
        return ATTEMPTS;
    }

    /** RATE_LIMITED for a resend within the cool-down after the invite's previous email. */
    static InviteException coolingDown(Duration left, int cooldownSeconds) {
        return limited(SendLimits.Limit.RESEND_COOLDOWN, cooldownSeconds, left);
    }

    /** RATE_LIMITED in the contract's shape: a message that says how long to wait, and {@code details}. */
    static InviteException limited(SendLimits.Limit limit, int value, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        String message = switch (limit) {
            case PER_MANAGER_PER_DAY -> "You have sent " + value + " invitations in the last 24 hours, this site's limit"
                    + " for one manager. Try again in " + text(seconds) + ".";
            case PER_ROOM_PER_DAY -> "This room has had " + value + " invitations sent in the last 24 hours, this site's"
                    + " limit for one room. Try again in " + text(seconds) + ".";
            case RESEND_COOLDOWN -> "This invitation was emailed moments ago. Wait " + text(seconds)
                    + " before sending it again.";
        };
        return new InviteException(ErrorCode.RATE_LIMITED, message, List.of(),
                Map.of("details", Map.of("limit", limit.id(), "retryAfterSeconds", seconds)));
    }

    /** "45 seconds", "3 minutes", "2 h 5 min". */
    static String text(long seconds) {
        if (seconds < 60) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        long minutes = (seconds + 59) / 60;
        if (minutes < 60) {
            return minutes + (minutes == 1 ? " minute" : " minutes");
        }
        return String.format(Locale.ROOT, "%d h %d min", minutes / 60, minutes % 60);
    }

    /** A manager's ledger key: a hash of the caller's subject (no email or name in a key). */
    static String managerKey(Caller caller) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(caller.subject().getBytes(StandardCharsets.UTF_8));
            return "MANAGER#" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
