package io.roominvites.domain;

import java.time.Instant;

/**
 * The erasure of one person's data (a data-protection request): every invite of that email in every room is revoked
 * where active and loses its email and names, its history its personal data; the directory entry and the stored
 * records that held the address go. It keeps no address: only the key the store finds that person's items by
 * ({@link Emails#erasureKey}), and that only while it runs.
 *
 * @param emailKey      the erasure key of the address while RUNNING, null once DONE
 * @param invitesErased how many invites it erased so far (each exactly once, however often a step ran)
 * @param roomsTouched  in how many distinct rooms
 * @param finishedAt    null while RUNNING
 */
public record Erasure(String erasureId, String emailKey, Status status, int invitesErased, int roomsTouched,
                      Instant startedAt, Instant finishedAt) {

    public enum Status { RUNNING, DONE }

    /** A new erasure of the person whose address has {@code emailKey}. */
    public static Erasure started(String erasureId, String emailKey, Instant now) {
        return new Erasure(erasureId, emailKey, Status.RUNNING, 0, 0, now, null);
    }

    public boolean running() {
        return status == Status.RUNNING;
    }
}
