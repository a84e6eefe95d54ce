package io.roominvites.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An invitation for one person to one room, as stored. The room itself is not copied here: the room's own item
 * is the one source of truth for its schedule and whether it was deleted.
 *
 * @param storedStatus        PENDING, REDEEMED or REVOKED (EXPIRED is derived, see {@link #status(Instant)})
 * @param devices             the devices bound to the invite (at most {@code maxDevices}), oldest first
 * @param maxDevices          how many distinct devices may hold the invite (1 for a single-use link)
 * @param failedEmailAttempts wrong emails typed in the lobby since the current link was issued
 * @param linkVersion         the version of the only link that opens the invite; a reissue raises it
 * @param releasedAt          when a manager last freed the invite's devices (a new device may then bind even past
 *                            the link's expiry), else null
 * @param entries             how many times a device entered with this invite (first entries and re-entries)
 * @param rev                 the item's revision: every write raises it by one, and every conditional write names the
 *                            revision it was decided on (optimistic concurrency)
 * @param changedBy           who made the change that led to this revision (a manager's email or subject), null when
 *                            no one in particular did (an invitee's entry, a wrong email, the email provider's report)
 * @param changedAt           when that change was decided, null when unknown; each transition clears both, and
 *                            {@link #by} stamps them: the lifecycle events (io.roominvites.events) read them
 * @param locale              the invitee's language (BCP 47), chosen at create and kept for every later email; null
 *                            for an invite made before invites had one (the site's default language then)
 */
public record Invite(String inviteId, String roomId, String email, String firstName, String lastName, Role role,
                     InviteStatus storedStatus, Instant createdAt, String createdBy, String createdByName,
                     Instant expiresAt, Instant redeemedAt, Instant revokedAt, Instant promotedAt,
                     List<Device> devices, int maxDevices, int failedEmailAttempts, int linkVersion,
                     Instant releasedAt, int entries, EmailDelivery emailDelivery, long rev, String changedBy,
                     Instant changedAt, String locale) {

    /** Wrong emails after which the invite locks. */
    public static final int MAX_EMAIL_ATTEMPTS = 5;

    /** How many times one invite may be emailed (the first send and resends): a bound on mail to one address. */
    public static final int MAX_EMAIL_SENDS = 10;

    public Invite {
        devices = List.copyOf(devices);
    }

    /** An invite without a language of its own (the site's default applies). */
    public Invite(String inviteId, String roomId, String email, String firstName, String lastName, Role role,
                  InviteStatus storedStatus, Instant createdAt, String createdBy, String createdByName,
                  Instant expiresAt, Instant redeemedAt, Instant revokedAt, Instant promotedAt,
                  List<Device> devices, int maxDevices, int failedEmailAttempts, int linkVersion,
                  Instant releasedAt, int entries, EmailDelivery emailDelivery, long rev, String changedBy,
                  Instant changedAt) {
        this(inviteId, roomId, email, firstName, lastName, role, storedStatus, createdAt, createdBy, createdByName,
                expiresAt, redeemedAt, revokedAt, promotedAt, devices, maxDevices, failedEmailAttempts, linkVersion,
                releasedAt, entries, emailDelivery, rev, changedBy, changedAt, null);
    }

    /** An invite with no record of who changed it last. */
    public Invite(String inviteId, String roomId, String email, String firstName, String lastName, Role role,
                  InviteStatus storedStatus, Instant createdAt, String createdBy, String createdByName,
                  Instant expiresAt, Instant redeemedAt, Instant revokedAt, Instant promotedAt,
                  List<Device> devices, int maxDevices, int failedEmailAttempts, int linkVersion,
                  Instant releasedAt, int entries, EmailDelivery emailDelivery, long rev) {
        this(inviteId, roomId, email, firstName, lastName, role, storedStatus, createdAt, createdBy, createdByName,
                expiresAt, redeemedAt, revokedAt, promotedAt, devices, maxDevices, failedEmailAttempts, linkVersion,
                releasedAt, entries, emailDelivery, rev, null, null);
    }

    /** A new, pending invite (revision 0: not stored yet). */
    public static Invite created(String inviteId, String roomId, String email, String firstName, String lastName,
                                 Role role, Instant createdAt, String createdBy, String createdByName,
                                 Instant expiresAt, int maxDevices, EmailDelivery emailDelivery) {
        return created(inviteId, roomId, email, firstName, lastName, role, createdAt, createdBy, createdByName,
                expiresAt, maxDevices, emailDelivery, null);
    }

    /** A new, pending invite in {@code locale} (revision 0: not stored yet). */
    public static Invite created(String inviteId, String roomId, String email, String firstName, String lastName,
                                 Role role, Instant createdAt, String createdBy, String createdByName,
                                 Instant expiresAt, int maxDevices, EmailDelivery emailDelivery, String locale) {
        return new Invite(inviteId, roomId, email, firstName, lastName, role, InviteStatus.PENDING, createdAt,
                createdBy, createdByName, expiresAt, null, null, null, List.of(), maxDevices, 0, 1, null, 0,
                emailDelivery, 0, createdBy, createdAt, locale);
    }

    /** The invite's language, or {@code siteDefault} for an invite made before invites had one. */
    public String localeOr(String siteDefault) {
        return locale != null ? locale : siteDefault;
    }

    /** The status callers see: a PENDING invite past its expiry is EXPIRED. */
    public InviteStatus status(Instant now) {
        if (storedStatus == InviteStatus.PENDING && !now.isBefore(expiresAt)) {
            return InviteStatus.EXPIRED;
        }
        return storedStatus;
    }

    /**
     * True when the invitee's personal data was erased (a data-protection erasure): no email, no names. Its link
     * answers INVITE_REVOKED, and nothing can be done with it any more.
     */
    public boolean erased() {
        return email == null;
    }

    /**
     * This invite with its invitee's personal data erased: email and names gone, revoked where it was still active
     * (pending and unexpired, or redeemed), the email provider's error texts and report details (which may quote the
     * address) dropped. Who changed it is no one in particular (an erasure), stamped at {@code now}.
     */
    public Invite erasedAt(Instant now) {
        InviteStatus st = storedStatus;
        Instant revoked = revokedAt;
        InviteStatus shown = status(now);
        if (shown == InviteStatus.PENDING || shown == InviteStatus.REDEEMED) {
            st = InviteStatus.REVOKED;
            revoked = revokedAt == null ? now : revokedAt;
        }
        EmailDelivery delivery = null;
        if (emailDelivery != null) {
            List<Attempt> attempts = new ArrayList<>(emailDelivery.history().size());
            for (Attempt a : emailDelivery.history()) {
                attempts.add(new Attempt(a.status(), a.at(), null));
            }
            DeliveryEvent e = emailDelivery.lastEvent();
            delivery = new EmailDelivery(emailDelivery.messageId(), attempts,
                    e == null ? null : new DeliveryEvent(e.type(), e.at(), null));
        }
        return new Invite(inviteId, roomId, null, null, null, role, st, createdAt, createdBy, createdByName, expiresAt,
                redeemedAt, revoked, promotedAt, devices, maxDevices, failedEmailAttempts, linkVersion, releasedAt,
                entries, delivery, rev + 1, null, now, locale);
    }

    /** Wrong emails the lobby still takes before the invite locks (0 once locked). */
    public int lobbyAttemptsLeft() {
        return Math.max(0, MAX_EMAIL_ATTEMPTS - failedEmailAttempts);
    }

    public boolean locked() {
        return failedEmailAttempts >= MAX_EMAIL_ATTEMPTS;
    }

    /** True when {@code device} holds the invite (it may re-enter without proving the email again). */
    public boolean boundTo(String device) {
        if (storedStatus != InviteStatus.REDEEMED || device == null) {
            return false;
        }
        for (Device d : devices) {
            if (d.id().equals(device)) {
                return true;
            }
        }
        return false;
    }

    /** The first device bound to the invite (the only one of a single-device link), or null. */
    public String deviceId() {
        return devices.isEmpty() ? null : devices.getFirst().id();
    }

    /** True when one more device may bind now (the link still opens: unexpired, or freed by a manager). */
    public boolean hasFreeDevice() {
        return devices.size() < maxDevices;
    }

    /**
     * True when the link's expiry still allows a new device to bind: before expiry, or at any time after a manager
     * released the devices of a redeemed invite.
     */
    public boolean linkOpensAt(Instant now) {
        return now.isBefore(expiresAt) || (storedStatus == InviteStatus.REDEEMED && releasedAt != null);
    }

    // ------------------------------------------------------------ transitions (each raises rev by one)

    /** {@code device} enters: binds it when it is new, counts a re-entry when it holds the invite already. */
    public Invite enteredBy(String device, Instant now) {
        Builder b = next();
        if (!boundTo(device)) {
            List<Device> bound = new ArrayList<>(devices);
            bound.add(new Device(device, now));
            b.devices = bound;
            b.storedStatus = InviteStatus.REDEEMED;
            if (redeemedAt == null) {
                b.redeemedAt = now;
            }
        }
        b.entries = entries + 1;
        return b.build();
    }

    /** One more wrong email typed in the lobby. */
    public Invite withWrongEmail() {
        Builder b = next();
        b.failedEmailAttempts = failedEmailAttempts + 1;
        return b.build();
    }

    public Invite revoked(Instant now) {
        Builder b = next();
        b.storedStatus = InviteStatus.REVOKED;
        if (revokedAt == null) {
            b.revokedAt = now;
        }
        return b.build();
    }

    public Invite withRole(Role newRole, Instant now) {
        Builder b = next();
        b.role = newRole;
        b.promotedAt = now;
        return b.build();
    }

    /**
     * A new link (version + 1) expiring at {@code newExpiry}; the wrong-email count and lock are cleared;
     * {@code delivery} is the email record to keep (with a QUEUED attempt when the new link is to be emailed).
     */
    public Invite reissued(Instant newExpiry, EmailDelivery delivery) {
        Builder b = next();
        b.linkVersion = linkVersion + 1;
        b.expiresAt = newExpiry;
        b.failedEmailAttempts = 0;
        b.emailDelivery = delivery;
        return b.build();
    }

    /** Frees every device bound to the invite. */
    public Invite devicesReleased(Instant now) {
        Builder b = next();
        b.devices = List.of();
        b.releasedAt = now;
        return b.build();
    }

    public Invite withEmailDelivery(EmailDelivery delivery) {
        Builder b = next();
        b.emailDelivery = delivery;
        return b.build();
    }

    /**
     * This same revision, stamped with who made the change that led to it and when ({@code actor} null when no one in
     * particular did): call it on a transition's result before writing it.
     */
    public Invite by(String actor, Instant at) {
        return new Invite(inviteId, roomId, email, firstName, lastName, role, storedStatus, createdAt, createdBy,
                createdByName, expiresAt, redeemedAt, revokedAt, promotedAt, devices, maxDevices, failedEmailAttempts,
                linkVersion, releasedAt, entries, emailDelivery, rev, actor, at, locale);
    }

    private Builder next() {
        Builder b = new Builder(this);
        b.rev = rev + 1;
        return b;
    }

    /** The mutable copy each transition edits. */
    private static final class Builder {
        private final Invite from;
        InviteStatus storedStatus;
        Role role;
        Instant expiresAt;
        Instant redeemedAt;
        Instant revokedAt;
        Instant promotedAt;
        List<Device> devices;
        int failedEmailAttempts;
        int linkVersion;
        Instant releasedAt;
        int entries;
        EmailDelivery emailDelivery;
        long rev;

        Builder(Invite i) {
            from = i;
            storedStatus = i.storedStatus;
            role = i.role;
            expiresAt = i.expiresAt;
            redeemedAt = i.redeemedAt;
            revokedAt = i.revokedAt;
            promotedAt = i.promotedAt;
            devices = i.devices;
            failedEmailAttempts = i.failedEmailAttempts;
            linkVersion = i.linkVersion;
            releasedAt = i.releasedAt;
            entries = i.entries;
            emailDelivery = i.emailDelivery;
            rev = i.rev;
        }

        Invite build() {
            return new Invite(from.inviteId, from.roomId, from.email, from.firstName, from.lastName, role, storedStatus,
                    from.createdAt, from.createdBy, from.createdByName, expiresAt, redeemedAt, revokedAt, promotedAt,
                    devices, from.maxDevices, failedEmailAttempts, linkVersion, releasedAt, entries, emailDelivery, rev,
                    null, null, from.locale);
        }
    }

    /** A device bound to the invite: its id (never shown to managers) and when it bound. */
    public record Device(String id, Instant boundAt) {
    }

    /**
     * Every attempt to email this invite, oldest first (never empty), the provider's message id of the latest one
     * when it was sent, and the latest delivery event the provider reported for that message (null when none).
     * Status, time, error and count are the history's, not kept twice.
     */
    public record EmailDelivery(String messageId, List<Attempt> history, DeliveryEvent lastEvent) {
        public EmailDelivery {
            history = List.copyOf(history);
            if (history.isEmpty()) {
                throw new IllegalArgumentException("an email delivery has at least one attempt");
            }
        }

        /** The first attempt's record. */
        public static EmailDelivery first(String status, String messageId, String error, Instant at) {
            return new EmailDelivery(messageId, List.of(new Attempt(status, at, error)), null);
        }

        /**
         * {@code delivery} (null for none yet) with one more attempt, QUEUED: reserved before the email is sent. Its
         * time is {@code at}, or just after the delivery's latest attempt time when that is not earlier: a QUEUED
         * attempt is known by its time, so no two attempts of one invite share one (the simulation's seed 133: a bulk's
         * queued email and a resend in the same millisecond, then the queue's sender took the resend's attempt for its
         * own and the invite was emailed three times for two attempts).
         */
        public static EmailDelivery queue(EmailDelivery delivery, Instant at) {
            if (delivery == null) {
                return new EmailDelivery(null, List.of(new Attempt(QUEUED, at, null)), null);
            }
            Attempt queued = new Attempt(QUEUED, delivery.after(at), null);
            List<Attempt> h = new ArrayList<>(delivery.history);
            h.add(queued);
            return new EmailDelivery(delivery.messageId, h, delivery.lastEvent);
        }

        /**
         * This delivery with the QUEUED attempt reserved at {@code queuedAt} settled as {@code outcome} (SENT or
         * FAILED), in its place: attempts reserved meanwhile by others stay as they are (each settles its own). A sent
         * outcome's {@code newMessageId} becomes the message id (its delivery events start afresh); a failed one keeps
         * the earlier message's. When no such QUEUED attempt is left, the outcome is appended.
         */
        public EmailDelivery settle(Instant queuedAt, Attempt outcome, String newMessageId) {
            List<Attempt> h = new ArrayList<>(history);
            int at = -1;
            for (int i = h.size() - 1; i >= 0; i--) {
                if (QUEUED.equals(h.get(i).status()) && h.get(i).at().equals(queuedAt)) {
                    at = i;
                    break;
                }
            }
            if (at >= 0) {
                h.set(at, outcome);
            } else {
                h.add(outcome);
            }
            boolean sent = newMessageId != null;
            return new EmailDelivery(sent ? newMessageId : messageId, h, sent ? null : lastEvent);
        }

        /** {@code at}, or 1 ms after the latest time of any attempt when that is not earlier: a time no attempt has. */
        public Instant after(Instant at) {
            Instant t = at;
            for (Attempt a : history) {
                if (a.at() != null && !t.isAfter(a.at())) {
                    t = a.at().plusMillis(1);
                }
            }
            return t;
        }

        /** True when the attempt reserved at {@code queuedAt} is still QUEUED (not yet claimed by a sender or settled). */
        public boolean hasQueued(Instant queuedAt) {
            for (Attempt a : history) {
                if (QUEUED.equals(a.status()) && a.at().equals(queuedAt)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * This delivery with the QUEUED attempt reserved at {@code queuedAt} claimed by a sender: still QUEUED, now at
         * {@code claimedAt}, so that no other sender of the same job finds it.
         */
        public EmailDelivery reclaim(Instant queuedAt, Instant claimedAt) {
            List<Attempt> h = new ArrayList<>(history);
            for (int i = h.size() - 1; i >= 0; i--) {
                if (QUEUED.equals(h.get(i).status()) && h.get(i).at().equals(queuedAt)) {
                    h.set(i, new Attempt(QUEUED, claimedAt, null));
                    break;
                }
            }
            return new EmailDelivery(messageId, h, lastEvent);
        }

        public EmailDelivery withEvent(DeliveryEvent event) {
            return new EmailDelivery(messageId, history, event);
        }

        /** QUEUED, SENT or FAILED: the latest attempt's outcome. */
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

        /** How many attempts were made so far (a QUEUED one included: it is reserved before it is sent). */
        public int attempts() {
            return history.size();
        }

        private Attempt latest() {
            return history.getLast();
        }
    }

    /** Written before an email is sent; a crash before its outcome is recorded leaves it QUEUED. */
    public static final String QUEUED = "QUEUED";

    /** One attempt to email the invite: QUEUED, SENT or FAILED, when, and why it failed. */
    public record Attempt(String status, Instant at, String error) {
    }

    /**
     * What the email provider reported after sending: DELIVERED, BOUNCED, COMPLAINED or DELAYED, when, and a
     * detail for a person ("mailbox does not exist").
     */
    public record DeliveryEvent(String type, Instant at, String detail) {
    }
}
