package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.store.InviteStore;

import java.time.Clock;
import java.time.temporal.ChronoUnit;

/** Site administration: settings, rooms and the user directory. Callers must be site admins. */
public final class AdminService {
    private final InviteStore store;
    private final SettingsCache settings;
    private final Clock clock;

    public AdminService(InviteStore store, SettingsCache settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
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

    /** Creates or replaces a room; the copy of its schedule that each invite keeps follows. */
    public Room putRoom(Caller caller, Room room) {
        requireAdmin(caller);
        return store.putRoom(room, clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .orElseThrow(() -> new InviteException(ErrorCode.ROOM_DELETED,
                        "This room was deleted and can't be changed or re-created. Use a new room id."));
    }

    public void deleteRoom(Caller caller, String roomId) {
        requireAdmin(caller);
        if (!store.deleteRoom(roomId, clock.instant().truncatedTo(ChronoUnit.MILLIS))) {
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
