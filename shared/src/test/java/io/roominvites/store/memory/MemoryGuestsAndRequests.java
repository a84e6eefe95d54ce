package io.roominvites.store.memory;

import io.roominvites.domain.GuestLink;
import io.roominvites.domain.JoinRequest;
import io.roominvites.store.GuestLinkStore;
import io.roominvites.store.JoinRequestStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Guest links and requests to join in memory, with the table's conditions (slot free, claim new, shard below its cap,
 * one pending request per email and room, an answer only of a PENDING request). Every method holds the lock.
 */
final class MemoryGuestsAndRequests implements GuestLinkStore, JoinRequestStore {
    private final Map<String, GuestLink> links = new HashMap<>(); // roomId#id
    private final Map<String, String> slots = new HashMap<>(); // roomId#slot -> link id
    private final Map<String, Integer> shards = new HashMap<>(); // roomId#id#shard -> n
    private final Map<String, GuestUse> devices = new HashMap<>(); // roomId#id#device -> what the guest typed
    private final Map<String, JoinRequest> requests = new HashMap<>(); // roomId#id
    private final Map<String, String> pending = new HashMap<>(); // roomId#email -> id

    @Override
    public synchronized List<GuestLink> guestLinks(String roomId) {
        List<GuestLink> out = new ArrayList<>();
        for (GuestLink l : links.values()) {
            if (l.roomId().equals(roomId)) {
                out.add(l);
            }
        }
        out.sort(Comparator.comparing(GuestLink::guestLinkId).reversed());
        return out;
    }

    @Override
    public synchronized Optional<GuestLink> findGuestLink(String roomId, String guestLinkId) {
        return Optional.ofNullable(links.get(roomId + "#" + guestLinkId));
    }

    @Override
    public synchronized boolean createGuestLink(GuestLink link, Instant now, Instant keepUntil) {
        String slot = link.roomId() + "#" + link.slot();
        String holder = slots.get(slot);
        if (holder != null && links.get(link.roomId() + "#" + holder).expiresAt().isAfter(now)) {
            return false;
        }
        slots.put(slot, link.guestLinkId());
        links.put(link.roomId() + "#" + link.guestLinkId(), link);
        return true;
    }

    @Override
    public synchronized boolean revokeGuestLink(GuestLink current, GuestLink revoked) {
        String key = current.roomId() + "#" + current.guestLinkId();
        GuestLink stored = links.get(key);
        if (stored == null || stored.revoked()) {
            return false;
        }
        links.put(key, revoked);
        slots.remove(current.roomId() + "#" + current.slot(), current.guestLinkId());
        return true;
    }

    @Override
    public synchronized int[] shardCounts(GuestLink link) {
        int[] out = new int[link.shards()];
        for (int s = 0; s < out.length; s++) {
            out[s] = shards.getOrDefault(link.roomId() + "#" + link.guestLinkId() + "#" + s, 0);
        }
        return out;
    }

    @Override
    public synchronized Map<String, Integer> uses(List<GuestLink> list) {
        Map<String, Integer> out = new HashMap<>();
        for (GuestLink l : list) {
            int sum = 0;
            for (int n : shardCounts(l)) {
                sum += n;
            }
            out.put(l.guestLinkId(), sum);
        }
        return out;
    }

    @Override
    public synchronized boolean holdsUse(GuestLink link, String deviceId) {
        return devices.containsKey(link.roomId() + "#" + link.guestLinkId() + "#" + deviceId);
    }

    @Override
    public synchronized UseOutcome takeUse(GuestLink link, int shard, GuestUse use, Instant keepUntil) {
        if (holdsUse(link, use.deviceId())) {
            return UseOutcome.DEVICE_HOLDS;
        }
        String key = link.roomId() + "#" + link.guestLinkId() + "#" + shard;
        int n = shards.getOrDefault(key, 0);
        if (link.shardCap(shard) >= 0 && n >= link.shardCap(shard)) {
            return UseOutcome.SHARD_FULL;
        }
        shards.put(key, n + 1);
        devices.put(link.roomId() + "#" + link.guestLinkId() + "#" + use.deviceId(), use);
        return UseOutcome.TAKEN;
    }

    @Override
    public synchronized String addJoinRequest(JoinRequest request, Instant keepUntil) {
        String marker = request.roomId() + "#" + request.email();
        String held = pending.get(marker);
        if (held != null) {
            return held;
        }
        pending.put(marker, request.joinRequestId());
        requests.put(request.roomId() + "#" + request.joinRequestId(), request);
        return request.joinRequestId();
    }

    @Override
    public synchronized Optional<JoinRequest> findJoinRequest(String roomId, String joinRequestId) {
        return Optional.ofNullable(requests.get(roomId + "#" + joinRequestId));
    }

    @Override
    public synchronized JoinPage joinRequests(String roomId, JoinRequest.Status status, int limit, String afterId) {
        List<JoinRequest> all = new ArrayList<>();
        for (JoinRequest r : requests.values()) {
            if (r.roomId().equals(roomId) && (status == null || r.status() == status)
                    && (afterId == null || r.joinRequestId().compareTo(afterId) < 0)) {
                all.add(r);
            }
        }
        all.sort(Comparator.comparing(JoinRequest::joinRequestId).reversed());
        if (all.size() <= limit) {
            return new JoinPage(all, null);
        }
        List<JoinRequest> page = new ArrayList<>(all.subList(0, limit));
        return new JoinPage(page, page.get(limit - 1).joinRequestId());
    }

    @Override
    public synchronized boolean answerJoinRequest(JoinRequest current, JoinRequest answered) {
        String key = current.roomId() + "#" + current.joinRequestId();
        JoinRequest stored = requests.get(key);
        if (stored == null || stored.status() != JoinRequest.Status.PENDING) {
            return false;
        }
        requests.put(key, answered);
        pending.remove(current.roomId() + "#" + current.email(), current.joinRequestId());
        return true;
    }

    /** The requests to join and the guests' uses that hold the address with {@code emailKey}, by a sortable key. */
    synchronized Map<String, io.roominvites.store.ErasureStore.Holder> holders(String emailKey) {
        Map<String, io.roominvites.store.ErasureStore.Holder> out = new HashMap<>();
        for (JoinRequest r : requests.values()) {
            if (io.roominvites.domain.Emails.erasureKey(r.email()).equals(emailKey)) {
                out.put("JOINREQ\n" + r.roomId() + "\n" + r.joinRequestId(),
                        new io.roominvites.store.ErasureStore.JoinRequestHolder(r.roomId(), r.joinRequestId()));
            }
        }
        devices.forEach((ref, use) -> {
            if (emailKey.equals(use.emailKey())) {
                out.put("GLDEV\n" + ref, new io.roominvites.store.ErasureStore.GuestUseHolder(ref));
            }
        });
        return out;
    }

    synchronized boolean deleteJoinRequest(io.roominvites.store.ErasureStore.JoinRequestHolder h) {
        JoinRequest r = requests.remove(h.roomId() + "#" + h.joinRequestId());
        if (r == null) {
            return false;
        }
        pending.remove(r.roomId() + "#" + r.email(), r.joinRequestId());
        return true;
    }

    synchronized boolean scrubGuestUse(io.roominvites.store.ErasureStore.GuestUseHolder h) {
        GuestUse use = devices.get(h.ref());
        if (use == null || use.emailKey() == null) {
            return false;
        }
        devices.put(h.ref(), new GuestUse(use.deviceId(), null, null, null, null, use.at()));
        return true;
    }
}
