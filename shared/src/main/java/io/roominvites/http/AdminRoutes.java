package io.roominvites.http;

import io.roominvites.domain.Caller;
import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Emails;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.RoomDetails;
import io.roominvites.json.Json;
import io.roominvites.service.AdminService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The site administrators' writes: {@code PUT /admin/settings}, {@code PUT /admin/rooms/{roomId}},
 * {@code PUT /admin/users/{email}} ({@link AdminService}) and {@code POST /admin/erasures}. Parsing and views only. The
 * caller comes in already checked as an administrator, because a non-admin must learn nothing from the body's or the
 * path's problems.
 */
final class AdminRoutes {
    private AdminRoutes() {
    }

    static HttpResponse putSettings(AdminService admin, Caller c, HttpRequest r) {
        return Api.ok(Views.settings(admin.saveSettings(c, SettingsBody.parse(Body.parse(r.body())))));
    }

    static HttpResponse putRoom(AdminService admin, Caller c, String roomId, HttpRequest r) {
        Body b = Body.parse(r.body());
        String title = b.string("title", true, 200);
        String description = b.string("description", false, 5000);
        var startsAt = b.instant("startsAt", true);
        var endsAt = b.instant("endsAt", true);
        if (startsAt != null && endsAt != null && !endsAt.isAfter(startsAt)) {
            b.problem("endsAt", "must be after startsAt");
        }
        Boolean cc = b.bool("chatAndCollaborationEnabled", true, null);
        String owner = Api.email(b, "owner", true);
        List<String> coOwners = emails(b, "coOwners");
        List<String> coEditors = emails(b, "coEditors");
        List<String> coPublishers = emails(b, "coPublishers");
        List<Integer> reminders = SettingsBody.reminderMinutes(b, "reminderMinutesBefore");
        String timeZone = timeZone(b);
        b.check();
        RoomDetails room = new RoomDetails(roomId, title, description == null ? "" : description, startsAt, endsAt, cc,
                owner, coOwners, coEditors, coPublishers, reminders, timeZone);
        return Api.ok(Views.room(admin.putRoom(c, room)));
    }

    /** A room's optional {@code timeZone}: an IANA zone name (UTC when absent); problems go to {@code b}. */
    private static String timeZone(Body b) {
        String raw = b.string("timeZone", false, 64);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        String zone = io.roominvites.domain.Locales.zone(raw);
        if (zone == null) {
            b.problem("timeZone", io.roominvites.domain.Locales.zoneProblem(raw));
        }
        return zone;
    }

    /** @param pathEmail the user's address as it stands in the path, checked here */
    static HttpResponse putUser(AdminService admin, Caller c, String pathEmail, HttpRequest r) {
        String email = Emails.normalize(pathEmail);
        String problem = Emails.problem(email);
        if (problem != null) {
            throw InviteException.invalid("email", problem);
        }
        Body b = Body.parse(r.body());
        String first = b.string("firstName", true, Api.MAX_NAME);
        String last = b.string("lastName", true, Api.MAX_NAME);
        b.check();
        return Api.ok(Views.user(admin.putUser(c, new DirectoryUser(email, first, last))));
    }

    /** Starts erasing a person's data ({@link io.roominvites.service.Erasures#start}): 202, as it finishes later. */
    static HttpResponse startErasure(io.roominvites.service.Erasures erasures, Caller c, HttpRequest r) {
        Body b = Body.parse(r.body());
        String email = b.string("email", true, 254);
        b.check();
        return new HttpResponse(202, Map.of("Content-Type", "application/json"),
                Json.write(Views.startedErasure(erasures.start(c, email), Emails.normalize(email))));
    }

    /** A list of addresses, each checked and normalised, duplicates dropped; problems go to {@code b}. */
    private static List<String> emails(Body b, String field) {
        List<String> out = new ArrayList<>();
        for (String e : b.strings(field, 100, 254)) {
            String problem = Emails.problem(e);
            if (problem != null) {
                b.problem(field, "'" + e + "' " + problem);
            } else if (!out.contains(Emails.normalize(e))) {
                out.add(Emails.normalize(e));
            }
        }
        return out;
    }
}
