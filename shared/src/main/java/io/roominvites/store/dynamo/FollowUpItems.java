package io.roominvites.store.dynamo;

import io.roominvites.domain.FollowUpMail;
import io.roominvites.store.FollowUpClaims;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.n;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.time;

/**
 * A follow-up email's claim ({@link FollowUpClaims}), read and written here only: in the invite's own partition
 * ({@code FOLLOWUP#{claim key}}), so the room's retirement deletes it with the invite; no TTL, no personal data.
 * {@code status} CLAIMED, then SENT or FAILED.
 */
public final class FollowUpItems {
    public static final String SK_PREFIX = "FOLLOWUP#";

    private FollowUpItems() {
    }

    static Map<String, AttributeValue> key(String roomId, String inviteId, FollowUpMail.Kind kind, String ref) {
        return Keys.key(Attr.str(InviteItems.inviteKey(roomId, inviteId), TableSchema.PK),
                SK_PREFIX + FollowUpMail.claimKey(kind, ref));
    }

    static Map<String, AttributeValue> item(FollowUpClaims.Claim c) {
        Map<String, AttributeValue> item = new HashMap<>(key(c.roomId(), c.inviteId(), c.kind(), c.ref()));
        item.put("type", s("FOLLOWUP"));
        item.put("roomId", s(c.roomId()));
        item.put("inviteId", s(c.inviteId()));
        item.put("kind", s(c.kind().name()));
        item.put("ref", s(c.ref()));
        item.put("rev", n(c.revision()));
        if (c.role() != null) {
            item.put("role", s(c.role()));
        }
        item.put("claimId", s(c.claimId()));
        item.put("claimedAt", time(c.at()));
        item.put("status", s("CLAIMED"));
        return item;
    }

    /** The follow-up an item settled as SENT tells of, or null when {@code item} is not one (or not yet sent). */
    public static FollowUpClaims.Settled sent(Map<String, AttributeValue> item) {
        if (item == null || !"FOLLOWUP".equals(Attr.str(item, "type")) || !"SENT".equals(Attr.str(item, "status"))) {
            return null;
        }
        FollowUpClaims.Claim c = new FollowUpClaims.Claim(Attr.str(item, "roomId"), Attr.str(item, "inviteId"),
                FollowUpMail.Kind.valueOf(Attr.str(item, "kind")), Attr.str(item, "ref"), Attr.num(item, "rev", 0),
                Attr.str(item, "role"), Attr.str(item, "claimId"), Attr.instant(item, "claimedAt"));
        return new FollowUpClaims.Settled(c, true, Attr.num(item, "sequence", 0), Attr.instant(item, "settledAt"));
    }
}
