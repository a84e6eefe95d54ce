package io.roominvites.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The emails an invitee gets after the invitation: a calendar update when the room's start, end or title changed, a
 * cancellation when the invite is revoked or the room deleted, and reminders before the start. Each goes once per
 * invite and change ({@link #claimKey}), only to an invite that was emailed, to an address that neither bounced nor
 * complained (SES's reputation rules: no more mail to such an address), and only while the change still holds.
 */
public final class FollowUpMail {
    private FollowUpMail() {
    }

    public enum Kind {
        /** {@code ref}: the room's calendar SEQUENCE the update carries. */
        CALENDAR_UPDATE,
        /** {@code ref}: the SEQUENCE of the cancellation. One cancellation an invite, whatever caused it. */
        CALENDAR_CANCEL,
        /** {@code ref}: {@code {startsAt epoch seconds}:{minutesBefore}}. */
        REMINDER
    }

    /** The calendar SEQUENCE of {@code room}'s session as it stands: its last change, in seconds. */
    public static long sequence(Room room, Instant fallback) {
        Instant changed = room.updatedAt() != null ? room.updatedAt() : fallback;
        return changed.getEpochSecond();
    }

    /** A cancellation's SEQUENCE: above every update's ({@code room}'s) and no earlier than {@code at}. */
    public static long cancelSequence(Room room, Instant at) {
        return Math.max(room == null || room.updatedAt() == null ? 0 : room.updatedAt().getEpochSecond() + 1,
                at.getEpochSecond());
    }

    /** True when what the calendar entry says changed: the start, the end or the title. */
    public static boolean calendarChanged(Room before, Room after) {
        return before != null && after != null && !before.deleted() && !after.deleted()
                && (!Objects.equals(before.startsAt(), after.startsAt()) || !Objects.equals(before.endsAt(), after.endsAt())
                || !Objects.equals(before.title(), after.title()));
    }

    /** A reminder's {@code ref}. */
    public static String reminderRef(Reminders.Moment m) {
        return m.startsAt().getEpochSecond() + ":" + m.minutesBefore();
    }

    /** The key a sender claims before sending: one a kind, invite and ref (one cancellation an invite). */
    public static String claimKey(Kind kind, String ref) {
        return switch (kind) {
            case CALENDAR_UPDATE -> "UPDATE#" + ref;
            case CALENDAR_CANCEL -> "CANCEL";
            case REMINDER -> "REMINDER#" + ref;
        };
    }

    /** The invite was emailed at least once (an attempt SENT). */
    public static boolean emailed(Invite invite) {
        if (invite.email() == null || invite.emailDelivery() == null) {
            return false;
        }
        for (Invite.Attempt a : invite.emailDelivery().history()) {
            if ("SENT".equals(a.status())) {
                return true;
            }
        }
        return false;
    }

    /** The provider's last report on the invite's email was a bounce or a complaint. */
    public static boolean undeliverable(Invite invite) {
        Invite.DeliveryEvent e = invite.emailDelivery() == null ? null : invite.emailDelivery().lastEvent();
        return e != null && ("BOUNCED".equals(e.type()) || "COMPLAINED".equals(e.type()));
    }

    /**
     * Why the follow-up {@code kind} with {@code ref} must not go to {@code invite} of {@code room} at {@code now}, or
     * null when it should go. Decided on the invite and room as they are when the sender runs, so a change made since
     * the job was queued (a later reschedule, a revoke, a delete) wins.
     */
    public static String skipReason(Kind kind, String ref, Invite invite, Room room, Instant now) {
        if (invite.erased() || !emailed(invite)) {
            return "not emailed";
        }
        if (undeliverable(invite)) {
            return "address bounced or complained";
        }
        InviteStatus status = invite.status(now);
        switch (kind) {
            case CALENDAR_CANCEL -> {
                boolean revoked = invite.storedStatus() == InviteStatus.REVOKED;
                boolean roomGone = room == null || room.deleted();
                return revoked || roomGone ? null : "still active";
            }
            case CALENDAR_UPDATE -> {
                if (room == null || room.deleted()) {
                    return "room deleted";
                }
                if (status != InviteStatus.PENDING && status != InviteStatus.REDEEMED) {
                    return "not pending or redeemed";
                }
                return Long.parseLong(ref) == sequence(room, invite.createdAt()) ? null : "superseded by a later change";
            }
            case REMINDER -> {
                if (room == null || room.deleted()) {
                    return "room deleted";
                }
                if (status != InviteStatus.PENDING && status != InviteStatus.REDEEMED) {
                    return "not pending or redeemed";
                }
                String[] parts = ref.split(":");
                if (parts.length != 2 || room.startsAt().getEpochSecond() != Long.parseLong(parts[0])) {
                    return "the room moved";
                }
                return null;
            }
            default -> throw new IllegalArgumentException(String.valueOf(kind));
        }
    }
}
