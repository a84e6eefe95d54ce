package io.roominvites.events;

/** The lifecycle events of the contract, by their EventBridge {@code detail-type}. */
public enum EventType {
    INVITE_CREATED("Invite Created"),
    INVITE_EMAILED("Invite Emailed"),
    INVITE_EMAIL_FAILED("Invite Email Failed"),
    INVITE_EMAIL_DELIVERED("Invite Email Delivered"),
    INVITE_EMAIL_BOUNCED("Invite Email Bounced"),
    INVITE_EMAIL_COMPLAINED("Invite Email Complained"),
    INVITE_REDEEMED("Invite Redeemed"),
    INVITE_REENTERED("Invite Reentered"),
    INVITE_PROMOTED("Invite Promoted"),
    INVITE_REVOKED("Invite Revoked"),
    INVITE_REISSUED("Invite Reissued"),
    INVITE_LOCKED("Invite Locked"),
    INVITE_DEVICE_RELEASED("Invite Device Released"),
    /** The invitee's personal data was erased (no email, masked or not, in it or after it). */
    INVITEE_ERASED("Invitee Erased"),
    /** The invitee was emailed a calendar update (the room's start, end or title changed). */
    INVITE_CALENDAR_UPDATED("Invite Calendar Updated"),
    /** The invitee was emailed a calendar cancellation (the invite revoked or the room deleted). */
    INVITE_CALENDAR_CANCELLED("Invite Calendar Cancelled"),
    /** The invitee was emailed a reminder before the start. */
    INVITE_REMINDED("Invite Reminded"),
    GUEST_LINK_CREATED("Guest Link Created"),
    GUEST_LINK_REVOKED("Guest Link Revoked"),
    /** A new device entered by a guest link (it used one of the link's uses). */
    GUEST_JOINED("Guest Joined"),
    JOIN_REQUESTED("Join Requested"),
    JOIN_ADMITTED("Join Admitted"),
    JOIN_DECLINED("Join Declined"),
    ROOM_CHANGED("Room Changed"),
    ROOM_DELETED("Room Deleted");

    /** The EventBridge {@code source} of every event. */
    public static final String SOURCE = "room-invites";

    private final String detailType;

    EventType(String detailType) {
        this.detailType = detailType;
    }

    /** As the contract names it: {@code "Invite Created"}. */
    public String detailType() {
        return detailType;
    }

    public boolean aboutRoom() {
        return this == ROOM_CHANGED || this == ROOM_DELETED;
    }

    public static EventType ofDetailType(String detailType) {
        for (EventType t : values()) {
            if (t.detailType.equals(detailType)) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a lifecycle event type: " + detailType);
    }
}
