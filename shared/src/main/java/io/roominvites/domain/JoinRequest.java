package io.roominvites.domain;

import java.time.Instant;
import java.util.Set;

/**
 * A request to be let in: someone whose link was refused (expired, used on another device, locked, replaced; a guest
 * link used up) asks the room's managers, who admit it (a fresh invite for that email) or decline it. At most one
 * request per email and room is PENDING at a time; it is answered once.
 *
 * @param reason       the refusal of the token the request was made with (an {@link ErrorCode} name)
 * @param inviteId     the invite whose link was refused (null for a guest link's)
 * @param guestLinkId  the guest link that was refused (null for an invite's)
 * @param inviteRev    the refused invite's revision when asked (orders the request in that invite's history)
 * @param admittedInviteId the invite the admission created (null until admitted)
 */
public record JoinRequest(String joinRequestId, String roomId, String email, String firstName, String message,
                          String reason, String inviteId, String guestLinkId, long inviteRev, Instant at,
                          Status status, Instant answeredAt, String answeredBy, String admittedInviteId) {

    public enum Status {
        PENDING, ADMITTED, DECLINED
    }

    /** The refusals a request may be made from: the link was the invitee's, and something other than them ended it. */
    public static final Set<ErrorCode> ASKABLE = Set.of(ErrorCode.LINK_EXPIRED, ErrorCode.LINK_ALREADY_USED,
            ErrorCode.INVITE_LOCKED, ErrorCode.LINK_REPLACED, ErrorCode.GUEST_LINK_EXHAUSTED);

    /** Longest message a requester may write. */
    public static final int MAX_MESSAGE = 500;

    public JoinRequest answered(Status to, Instant when, String by, String admitted) {
        return new JoinRequest(joinRequestId, roomId, email, firstName, message, reason, inviteId, guestLinkId,
                inviteRev, at, to, when, by, admitted);
    }
}
