package io.roominvites.calendar.ical;

import biweekly.Biweekly;
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
        if (e.organizerName() != null) {
            Organizer organizer = new Organizer(e.organizerName(), null);
            event.setOrganizer(organizer);
        }
        event.setStatus(e.method() == CalendarWriter.Method.CANCEL ? Status.cancelled() : Status.confirmed());
        ical.addEvent(event);
        return Biweekly.write(ical).version(ICalVersion.V2_0).go();
    }
}
