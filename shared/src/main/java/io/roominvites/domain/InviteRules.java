package io.roominvites.domain;

import java.time.Instant;

/**
 * When an invitation link opens the room, and which failure to report when it does not.
 * The DynamoDB store encodes the same rules as the condition of one write; these methods decode
 * the state that write was refused on (or a state just read) into the one error a person needs.
 */
public final class InviteRules {
    private InviteRules() {
    }

    /**
     * Why {@code invite} cannot be entered now, or null when it can.
     *
     * @param deviceId     the device asking
     * @param provenEmails the emails the caller has proven: a verified bearer token's email and/or the
     *                     email typed in the lobby (normalised); empty when neither
     */
    public static ErrorCode entryRefusal(Invite invite, String deviceId, java.util.Collection<String> provenEmails,
                                         SiteSettings settings, Instant now) {
        if (invite.roomDeleted()) {
            return ErrorCode.ROOM_DELETED;
        }
        if (invite.storedStatus() == InviteStatus.REVOKED) {
            return ErrorCode.INVITE_REVOKED;
        }
        if (settings.isBlocked(invite.email())) {
            return ErrorCode.DOMAIN_BLOCKED;
        }
        SessionState state = Room.sessionState(invite.room().startsAt(), invite.room().endsAt(), now);
        if (state == SessionState.ENDED) {
            return ErrorCode.SESSION_ENDED;
        }
        if (invite.boundTo(deviceId)) {
            return state == SessionState.NOT_STARTED ? ErrorCode.SESSION_NOT_STARTED : null;
        }
        if (invite.storedStatus() == InviteStatus.REDEEMED) {
            return ErrorCode.LINK_ALREADY_USED;
        }
        if (invite.status(now) == InviteStatus.EXPIRED) {
            return ErrorCode.LINK_EXPIRED;
        }
        if (invite.locked()) {
            return ErrorCode.INVITE_LOCKED;
        }
        if (state == SessionState.NOT_STARTED) {
            return ErrorCode.SESSION_NOT_STARTED;
        }
        if (provenEmails.contains(invite.email())) {
            return null;
        }
        return provenEmails.isEmpty() ? ErrorCode.EMAIL_REQUIRED : ErrorCode.EMAIL_MISMATCH;
    }

    /** Why a manager may not create invitations in this room under these settings, or null when they may. */
    public static ErrorCode createRefusal(Room room, SiteSettings settings, Instant now) {
        if (!settings.inviteToMediaEnabled()) {
            return ErrorCode.FEATURE_DISABLED;
        }
        if (!room.chatAndCollaborationEnabled()) {
            return ErrorCode.CHAT_AND_COLLABORATION_DISABLED;
        }
        if (room.state(now) == SessionState.ENDED) {
            return ErrorCode.SESSION_ENDED;
        }
        return null;
    }

    /** Why {@code invite} cannot be promoted to {@code target}, or null when it can. */
    public static ErrorCode promotionRefusal(Invite invite, Role target, Instant now) {
        if (invite.roomDeleted()) {
            return ErrorCode.ROOM_DELETED;
        }
        InviteStatus status = invite.status(now);
        if (status == InviteStatus.REVOKED || status == InviteStatus.EXPIRED) {
            return ErrorCode.INVITE_NOT_ACTIVE;
        }
        if (Room.sessionState(invite.room().startsAt(), invite.room().endsAt(), now) == SessionState.ENDED) {
            return ErrorCode.SESSION_ENDED;
        }
        if (!target.isHigherThan(invite.role())) {
            return ErrorCode.ROLE_NOT_HIGHER;
        }
        return null;
    }
}
