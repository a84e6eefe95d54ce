package io.roominvites.domain;

import java.time.Instant;

/**
 * When an invitation link opens the room, and which failure to report when it does not. Decided on the invite
 * and its room as read together; the store then writes the outcome only if neither changed since (their revision
 * and version are named in the write's condition), so a decision is never made on stale state.
 */
public final class InviteRules {
    private InviteRules() {
    }

    /**
     * Why {@code invite} cannot be entered now, or null when it can.
     *
     * @param room         the invite's room as read with it; null when the room item is missing
     * @param linkVersion  the version of the link presented
     * @param deviceId     the device asking
     * @param provenEmails the emails the caller has proven: a verified bearer token's email and/or the
     *                     email typed in the lobby (normalised); empty when neither
     */
    public static ErrorCode entryRefusal(Invite invite, Room room, int linkVersion, String deviceId,
                                         java.util.Collection<String> provenEmails, SiteSettings settings, Instant now) {
        if (room == null || room.deleted()) {
            return ErrorCode.ROOM_DELETED;
        }
        if (invite.storedStatus() == InviteStatus.REVOKED || invite.erased()) {
            return ErrorCode.INVITE_REVOKED;
        }
        if (linkVersion != invite.linkVersion()) {
            return ErrorCode.LINK_REPLACED;
        }
        if (settings.isBlocked(invite.email())) {
            return ErrorCode.DOMAIN_BLOCKED;
        }
        SessionState state = room.state(now);
        if (state == SessionState.ENDED) {
            return ErrorCode.SESSION_ENDED;
        }
        if (invite.boundTo(deviceId)) {
            return state == SessionState.NOT_STARTED ? ErrorCode.SESSION_NOT_STARTED : null;
        }
        if (!invite.hasFreeDevice()) {
            return ErrorCode.LINK_ALREADY_USED;
        }
        if (!invite.linkOpensAt(now)) {
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
    public static ErrorCode promotionRefusal(Invite invite, Room room, Role target, Instant now) {
        if (room == null || room.deleted()) {
            return ErrorCode.ROOM_DELETED;
        }
        InviteStatus status = invite.status(now);
        if (status == InviteStatus.REVOKED || status == InviteStatus.EXPIRED || invite.locked() || invite.erased()) {
            return ErrorCode.INVITE_NOT_ACTIVE;
        }
        if (room.state(now) == SessionState.ENDED) {
            return ErrorCode.SESSION_ENDED;
        }
        if (!target.isHigherThan(invite.role())) {
            return ErrorCode.ROLE_NOT_HIGHER;
        }
        return null;
    }

    /**
     * Why a new link cannot be issued for {@code invite}, or null when it can: only an invite that no device has
     * redeemed and that was not revoked (an expired or locked one is what reissue is for).
     */
    public static ErrorCode reissueRefusal(Invite invite, Room room, Instant now) {
        if (room == null || room.deleted()) {
            return ErrorCode.ROOM_DELETED;
        }
        if (invite.storedStatus() != InviteStatus.PENDING || invite.erased()) {
            return ErrorCode.INVITE_NOT_ACTIVE;
        }
        if (room.state(now) == SessionState.ENDED) {
            return ErrorCode.SESSION_ENDED;
        }
        return null;
    }

    /**
     * Why the devices of {@code invite} cannot be released, or null when they can: a redeemed, unrevoked invite that
     * some device holds now (releasing an invite no device holds would change nothing).
     */
    public static ErrorCode releaseRefusal(Invite invite, Room room, Instant now) {
        if (room == null || room.deleted()) {
            return ErrorCode.ROOM_DELETED;
        }
        if (invite.storedStatus() != InviteStatus.REDEEMED || invite.devices().isEmpty()) {
            return ErrorCode.INVITE_NOT_ACTIVE;
        }
        if (room.state(now) == SessionState.ENDED) {
            return ErrorCode.SESSION_ENDED;
        }
        return null;
    }
}
