package io.roominvites.local;

import biweekly.Biweekly;
import biweekly.ICalendar;
import biweekly.component.VEvent;
import biweekly.property.Attendee;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.List;

/**
 * The outbox's view of an email's {@code invite.ics}: the file parsed back by biweekly (the library that wrote it) and
 * shown as a calendar would read it (method, UID, SEQUENCE, status, summary, times, attendee, URL), then the file.
 */
final class CalendarSummary {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private CalendarSummary() {
    }

    static String html(String ics, String subject, String back) {
        StringBuilder sb = new StringBuilder();
        sb.append("<p>The calendar file attached to &ldquo;").append(OutboxRoutes.esc(subject))
                .append("&rdquo;, parsed back by biweekly. <a href=\"").append(back).append(".ics\">Download invite.ics</a>")
                .append(" &middot; <a href=\"").append(back).append(".html\">the email</a></p>");
        List<ICalendar> calendars = Biweekly.parse(ics).all();
        if (calendars.isEmpty() || calendars.getFirst().getEvents().isEmpty()) {
            return sb.append("<p class=\"empty\">The file holds no event.</p>").toString();
        }
        ICalendar calendar = calendars.getFirst();
        VEvent e = calendar.getEvents().getFirst();
        sb.append("<table><tbody>");
        row(sb, "Method", calendar.getMethod() == null ? "" : calendar.getMethod().getValue());
        row(sb, "Status", e.getStatus() == null ? "" : e.getStatus().getValue());
        row(sb, "UID", e.getUid() == null ? "" : e.getUid().getValue());
        row(sb, "Sequence", e.getSequence() == null ? "" : String.valueOf(e.getSequence().getValue()));
        row(sb, "Summary", e.getSummary() == null ? "" : e.getSummary().getValue());
        row(sb, "Starts", time(e.getDateStart() == null ? null : e.getDateStart().getValue()));
        row(sb, "Ends", time(e.getDateEnd() == null ? null : e.getDateEnd().getValue()));
        row(sb, "Organizer", e.getOrganizer() == null ? "" : (e.getOrganizer().getCommonName() == null ? ""
                : e.getOrganizer().getCommonName() + " ") + (e.getOrganizer().getEmail() == null ? ""
                : "<" + e.getOrganizer().getEmail() + ">"));
        StringBuilder attendees = new StringBuilder();
        for (Attendee a : e.getAttendees()) {
            attendees.append(attendees.isEmpty() ? "" : ", ").append(a.getEmail());
        }
        row(sb, "Attendee", attendees.toString());
        row(sb, "URL", e.getUrl() == null ? "" : e.getUrl().getValue());
        sb.append("</tbody></table><h2>invite.ics</h2><pre>").append(OutboxRoutes.esc(ics)).append("</pre>");
        return sb.toString();
    }

    private static String time(Date d) {
        return d == null ? "" : UTC.format(d.toInstant());
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append("<tr><th scope=\"row\">").append(name).append("</th><td>").append(OutboxRoutes.esc(value))
                .append("</td></tr>");
    }
}
