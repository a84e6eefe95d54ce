package io.roominvites.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One lifecycle event, as published and as kept in the invite's history. Emails are already masked here; no link or
 * access token is ever part of it.
 *
 * @param eventId     the same for every delivery of the same committed change: {@code inviteId:rev:type} (or
 *                    {@code roomId:version:type}), so a consumer recognises duplicates
 * @param revision    the invite's revision (or the room's version) the event comes from
 * @param inviteId    null for a room event
 * @param role        the invite's role after the change (null for a room event)
 * @param previousRole the role before a promotion, else null
 * @param invitee     the invitee's masked email (null for a room event)
 * @param actor       the masked email of who made the change, or null (the invitee for entries; no one for a lock or
 *                    the email provider's reports)
 * @param linkVersion the invite's link version (null for a room event)
 * @param extra       what else a person reading the history wants (the email provider's reason, the new expiry...),
 *                    plain JSON values, never a token
 */
public record LifecycleEvent(EventType type, String eventId, long revision, String roomId, String inviteId, String role,
                             String previousRole, String invitee, String actor, Instant at, Integer linkVersion,
                             Map<String, Object> extra) {

    /** The detail schema's version. */
    public static final int VERSION = 1;

    public LifecycleEvent {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    /** The EventBridge {@code detail}: {version, eventId, inviteId, roomId, role, previousRole?, invitee, actor, at, linkVersion?, ...}. */
    public Map<String, Object> detail() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("version", VERSION);
        d.put("eventId", eventId);
        if (inviteId != null) {
            d.put("inviteId", inviteId);
        }
        d.put("roomId", roomId);
        if (role != null) {
            d.put("role", role);
        }
        if (previousRole != null) {
            d.put("previousRole", previousRole);
        }
        if (invitee != null) {
            d.put("invitee", Map.of("emailMasked", invitee));
        }
        d.put("actor", actor == null ? null : Map.of("emailMasked", actor));
        d.put("at", at.toString());
        if (linkVersion != null) {
            d.put("linkVersion", linkVersion);
        }
        d.putAll(new java.util.TreeMap<>(extra));
        return d;
    }

    /** What the history route shows as {@code details}: the detail without what the entry already says. */
    public Map<String, Object> details() {
        Map<String, Object> d = detail();
        for (String k : new String[]{"version", "eventId", "inviteId", "roomId", "actor", "at"}) {
            d.remove(k);
        }
        return d;
    }
}
