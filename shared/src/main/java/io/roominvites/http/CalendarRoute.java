package io.roominvites.http;

import io.roominvites.service.InviteCalendar;

import java.util.Map;

/** {@code POST /invites/calendar}: the link's session as {@code invite.ics} ({@link InviteCalendar}). */
final class CalendarRoute {
    private CalendarRoute() {
    }

    static HttpResponse answer(InviteCalendar calendar, HttpRequest r) {
        Body b = Body.parse(r.body());
        String token = b.string("token", true, 4096);
        b.check();
        return new HttpResponse(200, Map.of("Content-Type", "text/calendar; charset=utf-8; method=PUBLISH",
                "Content-Disposition", "attachment; filename=\"invite.ics\"", "Cache-Control", "no-store"),
                calendar.ics(token));
    }
}
