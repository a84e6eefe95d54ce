package io.roominvites.store;

/**
 * Deletes what a room leaves behind once its lifetime ran out (its retire marker was removed by DynamoDB's TTL): its
 * invites with their history, then its gates and the room's own item last, so that while anything of the room is
 * left its links still find the room. Off the request path (the stream consumer runs it), in batches, idempotent
 * (deleting what is gone is no error) and resumable: a crash at any step is healed by running it again.
 */
public interface RoomRetirement {

    /**
     * Retires the room if it is still at {@code version} (the marker's); a room changed since is left alone (its
     * newer marker governs), and so is one already gone.
     */
    Outcome retire(String roomId, long version);

    /**
     * What was done: whether the room is gone (retired now or before), how many invites and items were deleted, and
     * whether it stopped because the room changed.
     */
    record Outcome(boolean gone, int invitesDeleted, int itemsDeleted, boolean roomChanged) {
    }
}
