package io.roominvites.events;

import io.roominvites.domain.Emails;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Room;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The lifecycle events a committed write stands for, from the state before and after it: plain Java, no AWS type.
 * A write that changes nothing the contract tells about (a QUEUED email reservation, a no-op) stands for no event;
 * one write may stand for more than one (a reissue that also emails the new link is two writes, but an email's
 * outcome and a delivery report are told apart even when they land together).
 */
public final class LifecycleEvents {
    private LifecycleEvents() {
    }

    /**
     * The events of one write of an invite item, in the order they happened.
     *
     * @param before     the invite before the write, null when the write created it
     * @param after      the invite after the write, null when it was removed (TTL): no event
     * @param recordedAt when the write was recorded (the stream's approximate time): the time of a change whose
     *                   invite carries no better one
     */
    public static List<LifecycleEvent> ofInvite(Invite before, Invite after, Instant recordedAt) {
        List<LifecycleEvent> out = new ArrayList<>(2);
        if (after == null) {
            return out;
        }
        if (before != null && after.rev() <= before.rev()) {
            return out; // not a newer revision: nothing committed that the invite had not already told
        }
        Instant stamped = after.changedAt() != null ? after.changedAt() : recordedAt;
        String manager = after.changedBy();
        if (before == null) {
            out.add(event(EventType.INVITE_CREATED, after, null, after.createdBy(), after.createdAt(), Map.of()));
        } else {
            Invite.Device newDevice = newDevice(before, after);
            if (newDevice != null) {
                out.add(event(EventType.INVITE_REDEEMED, after, null, after.email(), newDevice.boundAt(),
                        Map.of("devices", after.devices().size())));
            } else if (after.entries() > before.entries()) {
                out.add(event(EventType.INVITE_REENTERED, after, null, after.email(), stamped,
                        Map.of("entries", after.entries())));
            }
            if (after.role() != before.role()) {
                out.add(event(EventType.INVITE_PROMOTED, after, before.role().name(), manager,
                        after.promotedAt() != null ? after.promotedAt() : stamped, Map.of()));
            }
            if (after.storedStatus() == InviteStatus.REVOKED && before.storedStatus() != InviteStatus.REVOKED) {
                out.add(event(EventType.INVITE_REVOKED, after, null, manager,
                        after.revokedAt() != null ? after.revokedAt() : stamped, Map.of()));
            }
            if (after.linkVersion() > before.linkVersion()) {
                out.add(event(EventType.INVITE_REISSUED, after, null, manager, stamped,
                        Map.of("expiresAt", after.expiresAt().toString())));
            }
            if (after.locked() && !before.locked()) {
                out.add(event(EventType.INVITE_LOCKED, after, null, null, stamped,
                        Map.of("failedEmailAttempts", after.failedEmailAttempts())));
            }
            if (after.releasedAt() != null && !after.releasedAt().equals(before.releasedAt())) {
                out.add(event(EventType.INVITE_DEVICE_RELEASED, after, null, manager, after.releasedAt(),
                        Map.of("devicesReleased", before.devices().size())));
            }
        }
        emailOutcome(before, after, manager, out);
        deliveryReport(before, after, out);
        if (before != null && !before.erased() && after.erased()) {
            // no one's email in it: the erasure is told by no one in particular, of an invitee with no address
            out.add(event(EventType.INVITEE_ERASED, after, null, null, stamped, Map.of()));
        }
        return out;
    }

    /** The first device bound by this write, or null. */
    private static Invite.Device newDevice(Invite before, Invite after) {
        Set<String> had = new HashSet<>();
        for (Invite.Device d : before.devices()) {
            had.add(d.id());
        }
        for (Invite.Device d : after.devices()) {
            if (!had.contains(d.id())) {
                return d;
            }
        }
        return null;
    }

    /**
     * Emailed or Email Failed, once per attempt: every attempt this write settled (QUEUED or absent before, SENT or
     * FAILED now), whatever the latest attempt is. Overlapping resends settle their attempts in any order, and an
     * attempt settled while a newer one is QUEUED, or after it, is told all the same. An attempt keeps its place in
     * the list (attempts are only appended, and settled in place), so its number names it in the event's id.
     */
    private static void emailOutcome(Invite before, Invite after, String manager, List<LifecycleEvent> out) {
        Invite.EmailDelivery now = after.emailDelivery();
        if (now == null) {
            return;
        }
        List<Invite.Attempt> was = before == null || before.emailDelivery() == null ? List.of()
                : before.emailDelivery().history();
        List<Invite.Attempt> attempts = now.history();
        for (int i = 0; i < attempts.size(); i++) {
            Invite.Attempt a = attempts.get(i);
            if (Invite.QUEUED.equals(a.status()) || (i < was.size() && !Invite.QUEUED.equals(was.get(i).status()))) {
                continue; // not settled yet, or settled and told before
            }
            int number = i + 1;
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("attempts", number);
            EventType type = "SENT".equals(a.status()) ? EventType.INVITE_EMAILED : EventType.INVITE_EMAIL_FAILED;
            if (type == EventType.INVITE_EMAIL_FAILED && a.error() != null) {
                extra.put("reason", a.error());
            }
            out.add(event(type, after, null, manager, a.at(), extra, "attempt-" + number));
        }
    }

    /** Delivered, Bounced or Complained: the email provider's latest report changed (a delay has no event). */
    private static void deliveryReport(Invite before, Invite after, List<LifecycleEvent> out) {
        Invite.DeliveryEvent report = after.emailDelivery() == null ? null : after.emailDelivery().lastEvent();
        Invite.DeliveryEvent was = before == null || before.emailDelivery() == null ? null : before.emailDelivery().lastEvent();
        if (report == null || report.equals(was)) {
            return;
        }
        EventType type = switch (report.type()) {
            case "DELIVERED" -> EventType.INVITE_EMAIL_DELIVERED;
            case "BOUNCED" -> EventType.INVITE_EMAIL_BOUNCED;
            case "COMPLAINED" -> EventType.INVITE_EMAIL_COMPLAINED;
            default -> null;
        };
        if (type == null) {
            return;
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        if (report.detail() != null) {
            extra.put("reason", report.detail());
        }
        out.add(event(type, after, null, null, report.at() != null ? report.at() : after.changedAt(), extra));
    }

    private static LifecycleEvent event(EventType type, Invite after, String previousRole, String actor, Instant at,
                                        Map<String, Object> extra) {
        return event(type, after, previousRole, actor, at, extra, Long.toString(after.rev()));
    }

    /**
     * An invite's event whose id is {@code inviteId:which:type}: {@code which} names the transition (the revision
     * that made it, or the email attempt it settled), so a change delivered twice gives the same id and no two
     * transitions share one.
     */
    private static LifecycleEvent event(EventType type, Invite after, String previousRole, String actor, Instant at,
                                        Map<String, Object> extra, String which) {
        return new LifecycleEvent(type, after.inviteId() + ":" + which + ":" + slug(type), after.rev(),
                after.roomId(), after.inviteId(), after.role().name(), previousRole, Emails.mask(after.email()),
                Emails.mask(actor), at, after.linkVersion(), extra);
    }

    /**
     * The events of one write of a room's item: Room Deleted when it became deleted, Room Changed when what invitees
     * and managers see of it changed (a rewrite with the same content is none).
     */
    public static List<LifecycleEvent> ofRoom(Room before, Room after, Instant recordedAt) {
        if (after == null || (before != null && before.deleted())) {
            return List.of();
        }
        if (after.deleted()) {
            return List.of(roomEvent(EventType.ROOM_DELETED, after, recordedAt, Map.of()));
        }
        List<String> changed = changedFields(before, after);
        if (changed.isEmpty()) {
            return List.of();
        }
        return List.of(roomEvent(EventType.ROOM_CHANGED, after,
                after.updatedAt() != null ? after.updatedAt() : recordedAt, Map.of("changed", changed)));
    }

    private static List<String> changedFields(Room b, Room a) {
        List<String> out = new ArrayList<>();
        if (b == null) {
            out.add("created");
            return out;
        }
        diff(out, "title", b.title(), a.title());
        diff(out, "description", b.description(), a.description());
        diff(out, "startsAt", b.startsAt(), a.startsAt());
        diff(out, "endsAt", b.endsAt(), a.endsAt());
        diff(out, "chatAndCollaborationEnabled", b.chatAndCollaborationEnabled(), a.chatAndCollaborationEnabled());
        diff(out, "owner", b.owner(), a.owner());
        diff(out, "coOwners", b.coOwners(), a.coOwners());
        diff(out, "coEditors", b.coEditors(), a.coEditors());
        diff(out, "coPublishers", b.coPublishers(), a.coPublishers());
        diff(out, "reminderMinutesBefore", b.reminderMinutesBefore(), a.reminderMinutesBefore());
        return out;
    }

    private static void diff(List<String> out, String name, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            out.add(name);
        }
    }

    /**
     * The event of a follow-up email that went out: Invite Calendar Updated (with the calendar's {@code sequence}),
     * Invite Calendar Cancelled (likewise) or Invite Reminded (with {@code minutesBefore}). Its id names the invite,
     * the revision it was sent at and the follow-up, so a redelivered change is the same event. No invitee: the claim
     * it comes from keeps no personal data.
     */
    public static LifecycleEvent ofFollowUp(io.roominvites.store.FollowUpClaims.Settled s) {
        var c = s.claim();
        EventType type = switch (c.kind()) {
            case CALENDAR_UPDATE -> EventType.INVITE_CALENDAR_UPDATED;
            case CALENDAR_CANCEL -> EventType.INVITE_CALENDAR_CANCELLED;
            case REMINDER -> EventType.INVITE_REMINDED;
        };
        Map<String, Object> extra = new java.util.LinkedHashMap<>();
        if (c.kind() == io.roominvites.domain.FollowUpMail.Kind.REMINDER) {
            String[] ref = c.ref().split(":");
            extra.put("minutesBefore", Integer.parseInt(ref[ref.length - 1]));
        } else {
            extra.put("sequence", s.sequence());
        }
        String id = c.inviteId() + ":" + c.revision() + ":" + slug(type) + "-"
                + io.roominvites.domain.FollowUpMail.claimKey(c.kind(), c.ref()).toLowerCase(Locale.ROOT).replace('#', '-')
                .replace(':', '-');
        return new LifecycleEvent(type, id, c.revision(), c.roomId(), c.inviteId(), c.role(), null, null, null,
                s.at() != null ? s.at() : c.at(), null, extra);
    }

    private static LifecycleEvent roomEvent(EventType type, Room room, Instant at, Map<String, Object> extra) {
        return new LifecycleEvent(type, room.roomId() + ":" + room.version() + ":" + slug(type), room.version(),
                room.roomId(), null, null, null, null, null, at, null, extra);
    }

    private static String slug(EventType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    // ---------------------------------------------------------------- guest links and requests to join

    /** Guest Link Created when a link was written first, Guest Link Revoked when it became revoked. */
    public static List<LifecycleEvent> ofGuestLink(io.roominvites.domain.GuestLink before,
                                                   io.roominvites.domain.GuestLink after) {
        if (after == null) {
            return List.of();
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("guestLinkId", after.guestLinkId());
        if (after.maxUses() != null) {
            extra.put("maxUses", after.maxUses());
        }
        extra.put("expiresAt", after.expiresAt().toString());
        if (before == null) {
            return List.of(guestEvent(EventType.GUEST_LINK_CREATED, after.guestLinkId() + ":created", after.roomId(),
                    Emails.mask(after.createdBy()), after.createdAt(), extra));
        }
        if (after.revoked() && !before.revoked()) {
            return List.of(guestEvent(EventType.GUEST_LINK_REVOKED, after.guestLinkId() + ":revoked", after.roomId(),
                    Emails.mask(after.revokedBy()), after.revokedAt(), extra));
        }
        return List.of();
    }

    /** Guest Joined: a device's first use of a guest link (no device id, the guest's email only masked). */
    public static List<LifecycleEvent> ofGuestJoined(String roomId, String guestLinkId, String useKey, String emailMasked,
                                                     Instant at) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("guestLinkId", guestLinkId);
        if (emailMasked != null) {
            extra.put("guest", Map.of("emailMasked", emailMasked));
        }
        return List.of(guestEvent(EventType.GUEST_JOINED, guestLinkId + ":" + useKey, roomId, null, at, extra));
    }

    private static LifecycleEvent guestEvent(EventType type, String which, String roomId, String actor, Instant at,
                                             Map<String, Object> extra) {
        return new LifecycleEvent(type, which + ":" + slug(type), 0, roomId, null, "VIEWER", null, null, actor, at, null,
                extra);
    }

    /**
     * Join Requested when a request was made, Join Admitted or Join Declined when it was answered. A request made with
     * an invite's link is an event of that invite (kept in its history, ordered after its state when asked).
     */
    public static List<LifecycleEvent> ofJoinRequest(io.roominvites.domain.JoinRequest before,
                                                     io.roominvites.domain.JoinRequest after) {
        if (after == null) {
            return List.of();
        }
        EventType type;
        Instant at;
        String actor;
        if (before == null) {
            type = EventType.JOIN_REQUESTED;
            at = after.at();
            actor = Emails.mask(after.email());
        } else if (before.status() == io.roominvites.domain.JoinRequest.Status.PENDING
                && after.status() == io.roominvites.domain.JoinRequest.Status.ADMITTED) {
            type = EventType.JOIN_ADMITTED;
            at = after.answeredAt();
            actor = Emails.mask(after.answeredBy());
        } else if (before.status() == io.roominvites.domain.JoinRequest.Status.PENDING
                && after.status() == io.roominvites.domain.JoinRequest.Status.DECLINED) {
            type = EventType.JOIN_DECLINED;
            at = after.answeredAt();
            actor = Emails.mask(after.answeredBy());
        } else {
            return List.of();
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("joinRequestId", after.joinRequestId());
        extra.put("reason", after.reason());
        if (after.guestLinkId() != null) {
            extra.put("guestLinkId", after.guestLinkId());
        }
        if (after.admittedInviteId() != null) {
            extra.put("admittedInviteId", after.admittedInviteId());
        }
        String subject = after.inviteId() != null ? after.inviteId() : after.joinRequestId();
        // the step (1 asked, 2 answered) keeps the request's entries in order within the invite's revision
        int step = type == EventType.JOIN_REQUESTED ? 1 : 2;
        return List.of(new LifecycleEvent(type, subject + ":join-" + after.joinRequestId() + "-" + step + ":" + slug(type),
                after.inviteRev(), after.roomId(), after.inviteId(), null, null, Emails.mask(after.email()), actor, at,
                null, extra));
    }
}
