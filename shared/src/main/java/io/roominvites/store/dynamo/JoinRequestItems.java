package io.roominvites.store.dynamo;

import io.roominvites.domain.Emails;
import io.roominvites.domain.JoinRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.instant;
import static io.roominvites.store.dynamo.Attr.num;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.str;

/**
 * A request to join's items, read and written here only (docs/lifetimes.md):
 * <pre>
 * item            pk                                  sk          notes
 * request         JOINREQ#{roomId}                    REQ#{id}    one partition per room (time-ordered ids: newest first)
 * pending marker  JOINPEND#{roomId}#{hash(email)}     #PENDING    while a request of that email is PENDING in the room
 * </pre>
 * Both have a {@code ttl}: the room's retirement as it was when the request was made.
 */
final class JoinRequestItems {
    static final String REQ_PREFIX = "REQ#";

    private JoinRequestItems() {
    }

    static String roomPk(String roomId) {
        return "JOINREQ#" + roomId;
    }

    static Map<String, AttributeValue> key(String roomId, String id) {
        return Keys.key(roomPk(roomId), REQ_PREFIX + id);
    }

    /** The marker of a pending request of {@code email} in the room; no address in a key (a hash of it). */
    static Map<String, AttributeValue> pendingKey(String roomId, String email) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(Emails.normalize(email).getBytes(StandardCharsets.UTF_8));
            return Keys.key("JOINPEND#" + roomId + "#" + HexFormat.of().formatHex(h, 0, 16), "#PENDING");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, AttributeValue> item(JoinRequest r, Instant keepUntil) {
        Map<String, AttributeValue> item = new HashMap<>(key(r.roomId(), r.joinRequestId()));
        item.put("type", s("JOIN_REQUEST"));
        item.put("joinRequestId", s(r.joinRequestId()));
        item.put("roomId", s(r.roomId()));
        item.put("email", s(r.email()));
        item.put(TableSchema.EMAIL_KEY, s(Emails.erasureKey(r.email()))); // an erasure of the address finds the request
        put(item, "firstName", r.firstName());
        put(item, "message", r.message());
        item.put("reason", s(r.reason()));
        put(item, "inviteId", r.inviteId());
        put(item, "guestLinkId", r.guestLinkId());
        item.put("inviteRev", Attr.n(r.inviteRev()));
        item.put("at", Attr.time(r.at()));
        item.put("status", s(r.status().name()));
        if (r.answeredAt() != null) {
            item.put("answeredAt", Attr.time(r.answeredAt()));
        }
        put(item, "answeredBy", r.answeredBy());
        put(item, "admittedInviteId", r.admittedInviteId());
        item.put(TableSchema.TTL, Attr.n(Keys.ttlSeconds(keepUntil)));
        return item;
    }

    private static void put(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    static JoinRequest request(Map<String, AttributeValue> item) {
        return new JoinRequest(str(item, "joinRequestId"), str(item, "roomId"), str(item, "email"),
                str(item, "firstName"), str(item, "message"), str(item, "reason"), str(item, "inviteId"),
                str(item, "guestLinkId"), num(item, "inviteRev", 0), instant(item, "at"),
                JoinRequest.Status.valueOf(str(item, "status")), instant(item, "answeredAt"), str(item, "answeredBy"),
                str(item, "admittedInviteId"));
    }
}
