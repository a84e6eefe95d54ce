package io.roominvites.store;

import java.time.Instant;

/**
 * Idempotency-Keys: what a key stood for in the 24 hours after its first use. A single create's record is written in
 * the create's own transaction ({@link InviteRecords#createInvite}); a bulk create's record holds the batch's plan.
 */
public interface IdempotencyStore {

    /**
     * What an Idempotency-Key stands for: the request it was first used with and the invite it created.
     *
     * @param scope       who used it where (caller and room), so keys never collide across callers
     * @param key         the client's key
     * @param requestHash a hash of the request body
     */
    record IdempotencyRecord(String scope, String key, String requestHash, String roomId, String inviteId,
                             Instant createdAt) {
    }

    /**
     * Stores {@code record} unless the key was used in the 24 hours before its {@code createdAt}; answers null when
     * it was stored, else the earlier record (whose plan the caller then follows instead of its own).
     */
    BatchRecord claimBatch(BatchRecord record);

    /** Replaces the batch's record with its final plan, marked done. */
    void finishBatch(BatchRecord record);

    /**
     * What one Idempotency-Key stands for in a bulk create: the request's hash and the batch's plan (the invite id or
     * the error of each row, as the service writes it), and whether every row was carried out.
     */
    record BatchRecord(String scope, String key, String requestHash, String roomId, Instant createdAt, String plan,
                       boolean done) {
    }
}
