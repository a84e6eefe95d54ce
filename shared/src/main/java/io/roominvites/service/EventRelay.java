package io.roominvites.service;

import io.roominvites.events.EventPublisher;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.events.LifecycleEvents;
import io.roominvites.store.InviteStore;
import io.roominvites.store.RoomRetirement;
import io.roominvites.store.StoredChange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns the store's committed changes into lifecycle events: keeps each invite event in the invite's history (once,
 * however often the change is delivered) and publishes every event. Requests never wait for this: it runs on the
 * store's change stream, after the write is committed.
 *
 * <p>A change that cannot be read (a poison record), or whose history or publication fails after the publisher's
 * retries, is answered as failed, by its id, so that the stream delivers it again (and, past its retries, to the
 * failure destination); every other change of the batch is handled all the same.
 */
public final class EventRelay {
    private final InviteStore store;
    private final EventPublisher publisher;
    private final RoomRetirement retirement;
    private final FollowUps followUps;

    /**
     * @param retirement what deletes a room's leftovers when its lifetime ran out (a {@link StoredChange.RoomRetired}
     *                   change); null where rooms are not retired (such a change then fails, to be delivered again)
     */
    public EventRelay(InviteStore store, EventPublisher publisher, RoomRetirement retirement) {
        this(store, publisher, retirement, null);
    }

    /**
     * @param followUps what a room's or an invite's change sets going for the invitees' mailboxes (calendar updates
     *                  and cancellations, reminder schedules); null where there are none. Its failure fails the change
     *                  (delivered again: every follow-up step is idempotent)
     */
    public EventRelay(InviteStore store, EventPublisher publisher, RoomRetirement retirement, FollowUps followUps) {
        this.store = store;
        this.publisher = publisher;
        this.retirement = retirement;
        this.followUps = followUps;
    }

    /**
     * One record of the change stream: its id (the stream's sequence number), when the stream recorded it, and how
     * to read it (which may throw, for a record that cannot be read).
     */
    public record Change(String id, Instant recordedAt, Supplier<StoredChange> read) {
    }

    /** The outcome of a batch: the events published, and the ids of the changes to deliver again, in batch order. */
    public record Outcome(List<LifecycleEvent> published, List<String> failed, int unreadable) {
    }

    /**
     * Deletes what a retired room leaves behind; false when that failed part-way (the change is delivered again, and
     * the retirement resumes: each of its steps is idempotent). A TTL removal is no lifecycle event.
     */
    private boolean retire(String changeId, StoredChange.RoomRetired r) {
        if (retirement == null) {
            System.err.println("{\"event\":\"room-not-retired\",\"id\":\"" + changeId + "\",\"error\":\"no retirement\"}");
            return false;
        }
        try {
            RoomRetirement.Outcome o = retirement.retire(r.roomId(), r.version());
            System.out.println("{\"event\":\"room-retired\",\"gone\":" + o.gone() + ",\"invites\":"
                    + o.invitesDeleted() + ",\"items\":" + o.itemsDeleted() + ",\"roomChanged\":" + o.roomChanged() + "}");
            return true;
        } catch (RuntimeException e) {
            System.err.println("{\"event\":\"room-not-retired\",\"id\":\"" + changeId + "\",\"error\":\""
                    + e.getClass().getSimpleName() + "\"}");
            return false;
        }
    }

    public Outcome relay(List<Change> changes) {
        Set<String> failed = new LinkedHashSet<>();
        int unreadable = 0;
        List<LifecycleEvent> toPublish = new ArrayList<>();
        Map<LifecycleEvent, String> origin = new IdentityHashMap<>();
        for (Change c : changes) {
            List<LifecycleEvent> events;
            StoredChange change;
            try {
                change = c.read().get();
                if (change instanceof StoredChange.InviteWritten w) {
                    events = LifecycleEvents.ofInvite(w.before(), w.after(), c.recordedAt());
                } else if (change instanceof StoredChange.RoomWritten w) {
                    events = LifecycleEvents.ofRoom(w.before(), w.after(), c.recordedAt());
                } else if (change instanceof StoredChange.FollowUpSent f) {
                    events = List.of(LifecycleEvents.ofFollowUp(f.settled()));
                } else if (change instanceof StoredChange.GuestLinkWritten w) {
                    events = LifecycleEvents.ofGuestLink(w.before(), w.after());
                } else if (change instanceof StoredChange.GuestJoined j) {
                    events = LifecycleEvents.ofGuestJoined(j.roomId(), j.guestLinkId(), j.useKey(), j.emailMasked(),
                            j.at() != null ? j.at() : c.recordedAt());
                } else if (change instanceof StoredChange.JoinRequestWritten w) {
                    events = LifecycleEvents.ofJoinRequest(w.before(), w.after());
                } else {
                    events = List.of();
                }
            } catch (RuntimeException e) {
                unreadable++;
                failed.add(c.id());
                System.err.println("{\"event\":\"unreadable-change\",\"id\":\"" + c.id() + "\",\"error\":\""
                        + e.getClass().getSimpleName() + "\"}");
                continue;
            }
            if (change instanceof StoredChange.RoomRetired r) {
                if (!retire(c.id(), r)) {
                    failed.add(c.id());
                }
                continue;
            }
            if (followUps != null) {
                try {
                    followUps.onChange(change, c.recordedAt());
                } catch (RuntimeException e) {
                    failed.add(c.id());
                    StackTraceElement at = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
                    System.err.println("{\"event\":\"follow-ups-not-started\",\"id\":\"" + c.id() + "\",\"error\":\""
                            + e.getClass().getSimpleName() + "\",\"at\":\"" + (at == null ? "" : at.getClassName()
                            + ":" + at.getLineNumber()) + "\"}");
                    continue;
                }
            }
            try {
                if (change instanceof StoredChange.JoinRequestErased j && j.before().inviteId() != null) {
                    // the request's own entry was relayed before its removal (one item's changes stay in order)
                    store.scrubJoinRequestHistory(j.before().roomId(), j.before().inviteId(), j.before().joinRequestId());
                }
                for (LifecycleEvent e : events) {
                    if (e.type() == io.roominvites.events.EventType.INVITEE_ERASED) {
                        // every earlier change of this invite was relayed before this one (a stream keeps an item's
                        // changes in order): whatever history they added since the erasure's own scrub goes now
                        store.scrubHistory(e.roomId(), e.inviteId());
                    }
                    if (e.inviteId() != null) {
                        store.recordHistory(e);
                    }
                }
            } catch (RuntimeException e) {
                failed.add(c.id());
                System.err.println("{\"event\":\"history-not-written\",\"id\":\"" + c.id() + "\",\"error\":\""
                        + e.getClass().getSimpleName() + "\"}");
                continue;
            }
            for (LifecycleEvent e : events) {
                toPublish.add(e);
                origin.put(e, c.id());
            }
        }
        List<LifecycleEvent> published = new ArrayList<>(toPublish);
        if (!toPublish.isEmpty()) {
            List<LifecycleEvent> notPublished = publisher.publish(toPublish);
            Set<String> notPublishedIds = new LinkedHashSet<>();
            for (LifecycleEvent e : notPublished) {
                String id = origin.get(e);
                if (id != null) {
                    notPublishedIds.add(id);
                }
            }
            published.removeIf(e -> notPublishedIds.contains(origin.get(e)));
            failed.addAll(notPublishedIds);
        }
        List<String> ordered = new ArrayList<>();
        for (Change c : changes) {
            if (failed.contains(c.id())) {
                ordered.add(c.id());
            }
        }
        return new Outcome(published, ordered, unreadable);
    }
}
