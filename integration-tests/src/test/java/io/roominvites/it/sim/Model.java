package io.roominvites.it.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference: a plain Java account of what the service's answers committed (rooms, invites with their status,
 * devices, link version and wrong-email count, the settings). An answer that leaves the outcome open (a 503 after a
 * time-out whose write may have landed) is resolved by reading the store at once, nothing else running meanwhile
 * (as Jepsen resolves an indeterminate operation), and counted.
 */
final class Model {
    /** How long a room's invites are kept after its end, or after its deletion (the room retire marker's TTL). */
    static final Duration AFTER_END = Duration.ofDays(30);
    static final Duration AFTER_DELETE = Duration.ofDays(60);

    /** A room written at {@code now}: 30 days after its end, never sooner than 30 days after the write. */
    static Instant retiresAt(Instant end, Instant now) {
        return (end.isAfter(now) ? end : now).plus(AFTER_END);
    }
    static final int MAX_WRONG_EMAILS = 5;

    static final class Room {
        final String id;
        Instant start;
        Instant end;
        boolean exists;
        boolean deleted;
        Instant deletedAt;
        /** When the room retires (its marker's TTL), as its last write set it. */
        Instant retire;
        int incarnation;

        Room(String id) {
            this.id = id;
        }

        /** When the room's invites and their history may go (its retire marker's TTL), null while it has none. */
        Instant retireAt() {
            if (!exists) {
                return null;
            }
            return retire;
        }
    }

    static final class Invite {
        final String id;
        final String name;
        final String room;
        final int roomIncarnation;
        final String email;
        String role;
        int maxDevices;
        int linkVersion = 1;
        Instant expiresAt;
        String status = "PENDING";
        final Set<String> devices = new LinkedHashSet<>();
        int wrongEmails;
        boolean released;
        boolean gone;
        int deviceSeq;
        final Map<Integer, String> tokens = new HashMap<>();
        /** History event ids seen stored for it: kept as long as the invite. */
        final Set<String> historySeen = new LinkedHashSet<>();

        Invite(String id, String name, String room, int roomIncarnation, String email) {
            this.id = id;
            this.name = name;
            this.room = room;
            this.roomIncarnation = roomIncarnation;
            this.email = email;
        }

        String status(Instant now) {
            return status.equals("PENDING") && !now.isBefore(expiresAt) ? "EXPIRED" : status;
        }

        boolean locked() {
            return wrongEmails >= MAX_WRONG_EMAILS;
        }
    }

    final Map<String, Room> rooms = new LinkedHashMap<>();
    final Map<String, Invite> invites = new LinkedHashMap<>();
    boolean enabled = true;
    boolean template = true;
    int ttlMinutes = 1440;
    int maxDevicesLimit = 3;
    boolean blocked;
    int indeterminate;

    Invite add(String id, String room, String email) {
        Room r = rooms.get(room);
        Invite i = new Invite(id, "i" + (invites.size() + 1), room, r == null ? 0 : r.incarnation, email);
        invites.put(id, i);
        return i;
    }

    List<Invite> living() {
        List<Invite> out = new ArrayList<>();
        for (Invite i : invites.values()) {
            if (!i.gone) {
                out.add(i);
            }
        }
        return out;
    }

    List<Invite> livingIn(String room) {
        List<Invite> out = new ArrayList<>();
        for (Invite i : living()) {
            if (i.room.equals(room)) {
                out.add(i);
            }
        }
        return out;
    }

    boolean isBlocked(String email) {
        return blocked && email.endsWith("@blocked.example");
    }

    String name(String inviteId) {
        Invite i = invites.get(inviteId);
        return i == null ? inviteId : i.name;
    }
}
