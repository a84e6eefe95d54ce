package io.roominvites.store;

import io.roominvites.domain.JoinRequest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Requests to join. A pending request holds its room's marker for its email, written with it in one transaction that
 * holds only if no other request of that email is pending in the room; an answer (admit or decline) changes a PENDING
 * request only, and frees the marker in the same transaction.
 */
public interface JoinRequestStore {

    /**
     * Stores {@code request} (PENDING) unless a request of the same email is pending in its room; answers the pending
     * request's id: {@code request}'s, or the earlier one's.
     */
    String addJoinRequest(JoinRequest request, Instant keepUntil);

    Optional<JoinRequest> findJoinRequest(String roomId, String joinRequestId);

    /** A page of the room's requests, newest first; {@code status} null for all. */
    JoinPage joinRequests(String roomId, JoinRequest.Status status, int limit, String afterId);

    record JoinPage(List<JoinRequest> requests, String lastId) {
    }

    /** Writes {@code answered} in place of {@code current}, only if the stored request is still PENDING; false else. */
    boolean answerJoinRequest(JoinRequest current, JoinRequest answered);
}
