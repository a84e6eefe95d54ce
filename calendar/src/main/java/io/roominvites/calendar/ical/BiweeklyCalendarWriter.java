package io.roominvites.calendar.ical;

import biweekly.ICalVersion;
import biweekly.ICalendar;
import biweekly.component.VEvent;
import biweekly.property.Organizer;
import biweekly.property.Status;
import io.roominvites.calendar.CalendarWriter;

import java.util.Date;

/**
 * {@link CalendarWriter} with biweekly (https://github.com/mangstadt/biweekly): iCalendar 2.0, times in UTC (a room has
 * no time zone yet: UTC times need no VTIMEZONE and mean the same instant in every client), the join link as URL.
 * biweekly escapes text and folds lines as RFC 5545 says. Build one per container; it is stateless.
 */
public final class BiweeklyCalendarWriter implements CalendarWriter {
    private static final String PRODUCT = "-//room-invites//Room invitation//EN";

    @Override
    public String write(Event e) {
        ICalendar ical = new ICalendar();
        ical.setProductId(PRODUCT);
        ical.setMethod(e.method().name()); // PUBLISH, REQUEST or CANCEL: RFC 5546's names
        VEvent event = new VEvent();
        event.setUid(e.uid());
        event.setSequence((int) Math.min(Integer.MAX_VALUE, e.sequence()));
        event.setDateTimeStamp(Date.from(e.stampedAt()));
        event.setDateStart(Date.from(e.startsAt()), true);
        event.setDateEnd(Date.from(e.endsAt()), true);
        event.setSummary(e.summary());
        if (e.description() != null && !e.description().isBlank()) {
            event.setDescription(e.description());
        }
        if (e.url() != null) {
            event.setUrl(e.url());
            event.setLocation(e.url());
        }
        if ((e.organizerName() != null && !e.organizerName().isBlank()) || e.organizerEmail() != null) {
            // a parameter value may hold neither a double quote nor a line break (RFC 5545 3.2): a name may
            String name = e.organizerName() == null || e.organizerName().isBlank() ? null
                    : e.organizerName().replace('"', '\'').replaceAll("[\\r\\n]+", " ");
            // the sender's address as the organizer's (RFC 5546: every REQUEST and CANCEL names one)
            event.setOrganizer(new Organizer(name, e.organizerEmail()));
        }
        if (e.attendeeEmail() != null) {
            biweekly.property.Attendee attendee = new biweekly.property.Attendee(null, e.attendeeEmail());
            attendee.setRsvp(false); // nothing to answer: the link is the way in
            attendee.setParticipationStatus(biweekly.parameter.ParticipationStatus.ACCEPTED);
            event.addAttendee(attendee);
        }
        event.setStatus(e.method() == CalendarWriter.Method.CANCEL ? Status.cancelled() : Status.confirmed());
        ical.addEvent(event);
        java.io.StringWriter out = new java.io.StringWriter();
        try (biweekly.io.text.ICalWriter writer = new biweekly.io.text.ICalWriter(out, ICalVersion.V2_0)) {
            // RFC 5545 3.1: a line is at most 75 octets, the folding space included (biweekly's default leaves 76)
            writer.getVObjectWriter().getFoldedLineWriter().setLineLength(74);
            writer.write(ical);
        } catch (java.io.IOException failure) {
            throw new java.io.UncheckedIOException(failure); // a StringWriter never fails
        }
        return out.toString();
    }
}
