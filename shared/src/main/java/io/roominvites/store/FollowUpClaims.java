package io.roominvites.store;

import io.roominvites.domain.FollowUpMail;

import java.time.Instant;

/**
 * The record that one follow-up email ({@link FollowUpMail}: a calendar update or cancellation, a reminder) of one
 * invite was taken by a sender: written by a conditional put before the email goes out, so that a job delivered twice
 * or two senders racing send it once. Kept in the invite's partition, deleted with the invite (docs/lifetimes.md); it
 * holds no personal data. Its settling as SENT is what the change stream turns into the follow-up's lifecycle event.
 */
public interface FollowUpClaims {

    /** One follow-up of one invite, claimed by the sender {@code claimId} at {@code at}; {@code revision}: the invite's. */
    record Claim(String roomId, String inviteId, FollowUpMail.Kind kind, String ref, long revision, String role,
                 String claimId, Instant at) {
    }

    /** A claimed follow-up settled: SENT (with the calendar SEQUENCE it carried) or FAILED. */
    record Settled(Claim claim, boolean sent, long sequence, Instant at) {
    }

    /**
     * Claims {@code claim}'s follow-up; false when it was claimed before (by anyone, this sender's earlier try
     * included unless the claim is this one's: a write whose outcome was unknown is read back by its {@code claimId}).
     */
    boolean claimFollowUp(Claim claim);

    /** Records how the claimed follow-up went (once; a second settle of the same claim changes nothing). */
    void settleFollowUp(Settled settled);
}
