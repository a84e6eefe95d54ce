package io.roominvites.service;

import io.roominvites.store.InviteStore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The invites (with their rooms) this container read or wrote most recently, so that a redeem after a preview, or
 * a re-entry, decides on them and writes at once: one DynamoDB call instead of a read and a write. Never trusted
 * alone: the write names the invite's revision and the room's version, so a stale entry only costs a retry, and a
 * refusal is always decided on state read anew. Bounded (least recently used first out).
 */
final class RecentEntries {
    private final Map<String, InviteStore.Loaded> entries;

    RecentEntries(int capacity) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, InviteStore.Loaded> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized InviteStore.Loaded recall(InviteeEntry.InviteRef ref) {
        return entries.get(key(ref));
    }

    synchronized void remember(InviteeEntry.InviteRef ref, InviteStore.Loaded loaded) {
        if (loaded.invite().isPresent() && loaded.room().isPresent()) {
            entries.put(key(ref), loaded);
        }
    }

    synchronized void forget(InviteeEntry.InviteRef ref) {
        entries.remove(key(ref));
    }

    private static String key(InviteeEntry.InviteRef ref) {
        return ref.roomId() + '\n' + ref.inviteId();
    }
}
