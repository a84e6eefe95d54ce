package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.Emails;
import io.roominvites.domain.Erasure;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.logging.Log;
import io.roominvites.store.ErasureStore.Holder;
import io.roominvites.store.ErasureStore.HolderPage;
import io.roominvites.store.ErasureStore.GuestUseHolder;
import io.roominvites.store.ErasureStore.InviteHolder;
import io.roominvites.store.ErasureStore.JoinRequestHolder;
import io.roominvites.store.ErasureStore.KeyRecordHolder;
import io.roominvites.store.InviteRecords.Replaced;
import io.roominvites.store.InviteStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Erasure of one person's data at their request (a site administrator asks for it): every invite of that email in
 * every room, found through the store's erasure-key index (no scan), is revoked where active and loses its email and
 * names, its history loses the invitee's masked email and what the email provider said; the directory entry, the
 * single creates' Idempotency-Key records that named those invites and the requests to join made with the address
 * (pending or answered) are deleted; a guest who entered a guest link with the address keeps the use (the link's count
 * stays exact) without the name they typed. The stream then tells one {@code Invitee Erased} event per invite, with no
 * email in it.
 *
 * <p>The request only starts it (the directory entry, the erasure's record, a job on the queue) and answers 202; the
 * job runs off the request path, from the queue, and each step is idempotent: a history scrubbed again changes
 * nothing, an invite is erased and counted in one conditional transaction (so once), a deleted record is deleted
 * again as nothing. A crash anywhere leaves the erasure RUNNING with its items still in the index: the queue's
 * redelivery (or the same request again, which hands the job over anew) resumes it where it stopped. A job that runs
 * out of its time budget hands itself over again.
 */
public final class Erasures {
    /** Where an erasure's job is handed over: SQS in AWS, in memory in the local runner. At least once. */
    public interface Queue {
        /** @throws InviteException SERVICE_UNAVAILABLE when the queue could not take it */
        void enqueue(String erasureId);
    }

    /** Holders read per index page. */
    static final int PAGE = 100;
    /** How often one invite's erasure is decided again when it changed meanwhile (an entry, a resend racing it). */
    private static final int TRIES = 10;

    private final InviteStore store;
    private final Queue queue;
    private final Clock clock;
    private final Ids ids;
    private final Duration budget;

    /**
     * @param budget how long one run of the job goes on before it hands the rest over to the queue (keep it well
     *               inside the consuming function's timeout)
     */
    public Erasures(InviteStore store, Queue queue, Clock clock, Ids ids, Duration budget) {
        this.store = store;
        this.queue = queue;
        this.clock = clock;
        this.ids = ids;
        this.budget = budget;
    }

    /**
     * Starts erasing the person with {@code email}, or answers the erasure of that address that runs already (and
     * hands its job over again, which resumes one a crash stopped). Site admins only.
     */
    public Erasure start(Caller caller, String email) {
        AdminService.requireAdmin(caller);
        String problem = Emails.problem(email);
        if (problem != null) {
            throw InviteException.invalid("email", problem);
        }
        if (queue == null) {
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE, "Erasure is not set up here: no erasure queue "
                    + "is configured. Nothing was changed; ask the operator to deploy the erasure queue.");
        }
        String address = Emails.normalize(email);
        Instant now = now();
        // the directory entry first: it is the one item found by the address itself, which the job never gets
        store.removeUser(address);
        Erasure erasure = store.startErasure(Erasure.started(ids.newInviteId(now), Emails.erasureKey(address), now));
        if (erasure.running()) {
            queue.enqueue(erasure.erasureId());
        }
        Log.info("erasure started", Map.of("erasureId", erasure.erasureId()));
        return erasure;
    }

    /** The erasure with this id, as it stands. Site admins only. */
    public Erasure find(Caller caller, String erasureId) {
        AdminService.requireAdmin(caller);
        return store.findErasure(erasureId).orElseThrow(() -> new InviteException(ErrorCode.ERASURE_NOT_FOUND));
    }

    /**
     * What one run of the job did.
     *
     * @param recordsDeleted the other holders it cleared: Idempotency-Key records and requests to join deleted, guests'
     *                       uses stripped of what the guest typed
     */
    public record Run(int invitesErased, int recordsDeleted, boolean finished) {
    }

    /**
     * One run of the job (one queue message): passes over every holder of the address until a whole pass finds
     * nothing left to do, then marks the erasure DONE. Past its time budget it hands the job over again and stops.
     */
    public Run run(String erasureId) {
        Erasure erasure = store.findErasure(erasureId).orElse(null);
        if (erasure == null || !erasure.running()) {
            return new Run(0, 0, true); // finished by an earlier delivery of the same job
        }
        Instant deadline = clock.instant().plus(budget);
        int erased = 0;
        int deleted = 0;
        boolean changed;
        do {
            changed = false;
            String after = null;
            do {
                HolderPage page = store.holders(erasure.emailKey(), PAGE, after);
                Map<String, List<String>> byRoom = new LinkedHashMap<>();
                for (Holder h : page.holders()) {
                    // invites are erased by room below (one read of each room's); the other holders here, one each
                    boolean cleared = switch (h) {
                        case InviteHolder i -> {
                            byRoom.computeIfAbsent(i.roomId(), r -> new ArrayList<>()).add(i.inviteId());
                            yield false;
                        }
                        case KeyRecordHolder k -> {
                            store.deleteKeyRecord(k);
                            yield true;
                        }
                        case JoinRequestHolder j -> store.deleteJoinRequest(j);
                        case GuestUseHolder g -> store.scrubGuestUse(g);
                    };
                    if (cleared) {
                        deleted++;
                        changed = true;
                    }
                }
                for (Map.Entry<String, List<String>> room : byRoom.entrySet()) {
                    for (Invite invite : store.findInvites(room.getKey(), room.getValue())) {
                        if (erase(invite, erasureId)) {
                            erased++;
                            changed = true;
                        }
                    }
                }
                after = page.next();
                if (clock.instant().isAfter(deadline)) {
                    queue.enqueue(erasureId); // the rest in a run of its own
                    return new Run(erased, deleted, false);
                }
            } while (after != null);
            // a pass that changed something is followed by one that checks nothing is left (an index lags a moment)
        } while (changed);
        store.finishErasure(erasure, now());
        Log.info("erasure finished", Map.of("erasureId", erasureId));
        return new Run(erased, deleted, true);
    }

    /** Erases one invite (its history first, while the index still lists it); false when it was erased already. */
    private boolean erase(Invite found, String erasureId) {
        Invite current = found;
        for (int tries = 0; tries < TRIES; tries++) {
            if (current == null || current.erased()) {
                return false; // erased by an earlier run (an index that lags lists it a moment longer), or gone
            }
            store.scrubHistory(current.roomId(), current.inviteId());
            Replaced r = store.eraseInvite(current, current.erasedAt(now()), erasureId);
            if (r instanceof Replaced.Applied) {
                return true;
            }
            if (r instanceof Replaced.Gone) {
                return false;
            }
            Invite latest = ((Replaced.Changed) r).latest();
            current = latest != null ? latest : store.findInvite(found.roomId(), found.inviteId()).orElse(null);
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE); // the job's message is delivered again
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
