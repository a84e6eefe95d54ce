package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.Room;
import io.roominvites.domain.RoomDetails;
import io.roominvites.domain.SiteSettings;
import io.roominvites.store.InviteStore;

import java.time.Clock;
import java.time.temporal.ChronoUnit;

/** Site administration: settings, rooms and the user directory. Callers must be site admins. */
public final class AdminService {
    private final InviteStore store;
    private final SettingsCache settings;
    private final Clock clock;
    private final Ids ids;

    public AdminService(InviteStore store, SettingsCache settings, Clock clock, Ids ids) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.ids = ids;
    }

    public AdminService(InviteStore store, SettingsCache settings, Clock clock) {
        this(store, settings, clock, new Ids());
    }

    public SiteSettings settings(Caller caller) {
        requireAdmin(caller);
        return store.loadSettings().orElseGet(SiteSettings::defaults);
    }

    public SiteSettings saveSettings(Caller caller, SiteSettings newSettings) {
        requireAdmin(caller);
        settings.save(newSettings);
        return newSettings;
    }

    /**
     * Creates or replaces a room: one write, whatever its number of invites; every link sees it on its next request.
     * Answers the room as written (its new version and time).
     */
    public Room putRoom(Caller caller, RoomDetails room) {
        requireAdmin(caller);
        return store.putRoom(room, ids.newVersion(), clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .orElseThrow(() -> new InviteException(ErrorCode.ROOM_DELETED,
                        "This room was deleted and can't be changed or re-created. Use a new room id."));
    }

    /** {@link #putRoom(Caller, RoomDetails)} with a room's details (the local runner seeds its demo room so). */
    public Room putRoom(Caller caller, Room room) {
        return putRoom(caller, room.details());
    }

    public void deleteRoom(Caller caller, String roomId) {
        requireAdmin(caller);
        if (!store.deleteRoom(roomId, ids.newVersion(), clock.instant().truncatedTo(ChronoUnit.MILLIS))) {
            throw new InviteException(ErrorCode.ROOM_NOT_FOUND);
        }
    }

    public DirectoryUser putUser(Caller caller, DirectoryUser user) {
        requireAdmin(caller);
        store.putUser(user);
        return user;
    }

    /** FORBIDDEN unless the caller is a site administrator (checked before anything else is looked at). */
    public static void requireAdmin(Caller caller) {
        if (!caller.siteAdmin()) {
            throw new InviteException(ErrorCode.FORBIDDEN);
        }
    }
}
