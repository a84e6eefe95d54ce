package io.roominvites.store.dynamo;

import io.roominvites.store.StoredChange;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * Reads the table's change stream (NEW_AND_OLD_IMAGES): which item a record is about, and its images as domain
 * records. A malformed image (not an item this store writes) is refused with an exception: such a record can
 * never be told and belongs to the failure destination.
 */
public final class StreamImages {
    private StreamImages() {
    }

    /**
     * @param keys         the record's keys (pk and sk)
     * @param oldImage     the item before the write (empty or null when created)
     * @param newImage     the item after the write (empty or null when removed)
     * @param removedByTtl the record is a removal by DynamoDB's TTL (its {@code userIdentity} is the service
     *                     {@code dynamodb.amazonaws.com}), not by a request of this code
     */
    public static StoredChange decode(Map<String, AttributeValue> keys, Map<String, AttributeValue> oldImage,
                                      Map<String, AttributeValue> newImage, boolean removedByTtl) {
        String pk = Attr.str(keys, TableSchema.PK);
        String sk = Attr.str(keys, TableSchema.SK);
        if (pk == null || sk == null) {
            throw new IllegalArgumentException("a stream record without the table's keys");
        }
        Map<String, AttributeValue> before = empty(oldImage) ? null : oldImage;
        Map<String, AttributeValue> after = empty(newImage) ? null : newImage;
        if (InviteItems.INVITE_SK.equals(sk) && pk.startsWith("INVITE#")) {
            return new StoredChange.InviteWritten(before == null ? null : InviteItems.invite(before),
                    after == null ? null : InviteItems.invite(after));
        }
        if (RoomItems.ROOM_SK.equals(sk) && pk.startsWith("ROOM#")) {
            return new StoredChange.RoomWritten(before == null ? null : RoomItems.room(before),
                    after == null ? null : RoomItems.room(after));
        }
        if (RoomItems.RETIRE_SK.equals(sk) && pk.startsWith("ROOM#") && removedByTtl && after == null && before != null) {
            return new StoredChange.RoomRetired(pk.substring("ROOM#".length()), Attr.num(before, "version", 0));
        }
        if (sk.startsWith(FollowUpItems.SK_PREFIX) && pk.startsWith("INVITE#")) {
            var sent = FollowUpItems.sent(after);
            if (sent != null && FollowUpItems.sent(before) == null) {
                return new StoredChange.FollowUpSent(sent);
            }
        }
        if (sk.startsWith(GuestLinkItems.LINK_PREFIX) && pk.startsWith("GLINK#")) {
            return new StoredChange.GuestLinkWritten(before == null ? null : GuestLinkItems.link(before),
                    after == null ? null : GuestLinkItems.link(after));
        }
        if (GuestLinkItems.DEVICE_SK.equals(sk) && pk.startsWith("GLDEV#") && before == null && after != null) {
            return new StoredChange.GuestJoined(Attr.str(after, "roomId"), Attr.str(after, "guestLinkId"), useKey(pk),
                    Attr.str(after, "emailMasked"), Attr.instant(after, "at"));
        }
        if (sk.startsWith(JoinRequestItems.REQ_PREFIX) && pk.startsWith("JOINREQ#")) {
            if (before != null && after == null && !removedByTtl) {
                return new StoredChange.JoinRequestErased(JoinRequestItems.request(before)); // only an erasure deletes one
            }
            return new StoredChange.JoinRequestWritten(before == null ? null : JoinRequestItems.request(before),
                    after == null ? null : JoinRequestItems.request(after));
        }
        return new StoredChange.Other();
    }

    /** A use's name in its event: a hash of its key (no device id in an event). */
    private static String useKey(String pk) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(pk.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code userIdentity} of a stream record that DynamoDB's TTL wrote (its type and principal). */
    public static boolean isTtlRemoval(String identityType, String principalId) {
        return "Service".equals(identityType) && "dynamodb.amazonaws.com".equals(principalId);
    }

    /**
     * No item: none, or only its keys (moto's stream records an Update inside a transaction that creates an item as
     * two INSERTs, the first with the keys alone; DynamoDB never writes such an image: every item has its type).
     */
    private static boolean empty(Map<String, AttributeValue> image) {
        return image == null || image.isEmpty() || image.keySet().stream().allMatch(k -> k.equals(TableSchema.PK)
                || k.equals(TableSchema.SK));
    }
}
