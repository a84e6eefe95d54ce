package io.roominvites.domain;

/**
 * Every failure the API can answer, with its HTTP status and the sentence a person reads.
 * The codes and statuses are part of the HTTP contract ({@code docs/api.md}); change neither lightly.
 */
public enum ErrorCode {
    INVALID_REQUEST(400, "The request is not valid. Check the highlighted fields and try again."),
    UNAUTHENTICATED(401, "Sign in again: your session token is missing, expired or not valid."),
    FORBIDDEN(403, "Only site administrators can do this."),
    NOT_ROOM_MANAGER(403, "Only the room's owner, co-owners, co-editors and co-publishers can manage its invitations."),
    FEATURE_DISABLED(403, "Invitations are turned off on this site. Ask a site administrator to enable the inviteToMedia module."),
    CHAT_AND_COLLABORATION_DISABLED(409, "Invitations need Chat & Collaboration, which is off for this room. Turn it on in the room's settings first."),
    EMAIL_TEMPLATE_NOT_CONFIGURED(409, "The invitation can't be emailed because no email template is configured. Untick \"Send link via email\" and share the link yourself, or ask an administrator to set up the template."),
    DOMAIN_BLOCKED(403, "Invitations to this email domain are blocked on this site. Use a different email address or contact the site administrator."),
    ROOM_NOT_FOUND(404, "This room does not exist. Check the room link."),
    INVITE_NOT_FOUND(404, "This invitation does not exist in this room."),
    CODE_INVALID(404, "That access code does not open an invitation to this room for this email. Check the room, the email the invitation was sent to and the code in it, or ask the room manager for a new invitation."),
    ERASURE_NOT_FOUND(404, "No erasure has this id. Check the id the erasure request answered."),
    ROLE_NOT_HIGHER(409, "An invitee can only be promoted to a higher role. Pick a role above their current one."),
    INVITE_NOT_ACTIVE(409, "This invitation is no longer active (revoked or expired), so it can't be changed. Create a new invitation instead."),
    IDEMPOTENCY_CONFLICT(409, "This Idempotency-Key was already used for a different request. Use a new key for a new invitation."),
    LINK_INVALID(400, "This invitation link is not valid. Copy the whole link from the invitation, or ask the room manager for a new one."),
    LINK_EXPIRED(410, "This invitation link has expired. Ask the room manager for a new link."),
    LINK_ALREADY_USED(409, "This invitation link was already used on another device. It works only on the device(s) it was first opened on: ask the room manager to release it or for a new link."),
    LINK_REPLACED(410, "A newer link was issued for this invitation, so this one no longer works. Use the latest link you received, or ask the room manager for it."),
    INVITE_REVOKED(410, "This invitation was removed by the room manager. Ask them for a new link if you still need access."),
    ROOM_DELETED(410, "This room was deleted, so its invitations no longer work."),
    SESSION_NOT_STARTED(409, "The session has not started yet. Come back at the start time; the page shows a countdown."),
    SESSION_ENDED(410, "This session is over, so the invitation no longer opens the room."),
    EMAIL_REQUIRED(401, "Enter the email address this invitation was sent to, or sign in with it, to join the room."),
    EMAIL_MISMATCH(403, "That email address does not match the invitation. Sign in with, or enter, the address that received the invitation."),
    INVITE_LOCKED(423, "This invitation is locked after too many wrong email addresses. Ask the room manager for a new link."),
    GUEST_LINK_LIMIT(409, "This room already has as many active guest links as allowed. Revoke one before creating another."),
    GUEST_LINK_EXHAUSTED(409, "This guest link has been used by as many devices as it allows. Ask to be let in, or ask the room manager for another link."),
    GUEST_LINK_NOT_FOUND(404, "This guest link does not exist in this room."),
    JOIN_REQUEST_NOT_FOUND(404, "This request to join does not exist in this room."),
    JOIN_REQUEST_ANSWERED(409, "This request to join was already answered."),
    JOIN_REQUEST_NOT_NEEDED(409, "This link still opens the room, so there is nothing to ask: open the link to join."),
    RATE_LIMITED(429, "Too many requests. Wait a moment and try again."),
    SERVICE_UNAVAILABLE(503, "The service is busy or a dependency is unavailable. Nothing was changed; try again in a few seconds."),
    INTERNAL(500, "Something went wrong on our side.");

    private final int status;
    private final String defaultMessage;

    ErrorCode(int status, String defaultMessage) {
        this.status = status;
        this.defaultMessage = defaultMessage;
    }

    public int status() {
        return status;
    }

    public String defaultMessage() {
        return defaultMessage;
    }
}
