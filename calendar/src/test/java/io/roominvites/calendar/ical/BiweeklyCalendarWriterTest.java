package io.roominvites.calendar.ical;

import biweekly.Biweekly;
import biweekly.ICalendar;
import biweekly.component.VEvent;
import io.roominvites.calendar.CalendarWriter;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the writer writes reads back the same, whatever the texts hold (RFC 5545 escaping and folding are biweekly's). */
class BiweeklyCalendarWriterTest {
    private static final Instant START = Instant.parse("2026-12-24T17:00:00Z");

    @Test
    void textsWithQuotesCommasSemicolonsLineBreaksAndLongLinesReadBackTheSame() {
        String title = "Q&A; \"Growth\", part 2 — Überblick 日本";
        String description = "Line one,\nline two; with a very long sentence that goes on well past the seventy-five octets"
                + " a content line may hold before it must be folded, several times over, to be sure.";
        String ics = new BiweeklyCalendarWriter().write(new CalendarWriter.Event(CalendarWriter.Method.REQUEST,
                "01ABC@room-invites", 1_796_000_000L, START, START.plusSeconds(5400), title, description,
                "https://events.example.com/join#invite=a.b.c", "Olivia \"Liv\"\nOwner", START.minusSeconds(60),
                "gia@example.org"));
        for (String line : ics.split("\r\n")) {
            assertTrue(line.length() <= 75, "folded at 75, the folding space included: [" + line + "]");
        }
        ICalendar ical = Biweekly.parse(ics).first();
        assertEquals("REQUEST", ical.getMethod().getValue());
        VEvent e = ical.getEvents().getFirst();
        assertEquals(title, e.getSummary().getValue());
        assertEquals(description, e.getDescription().getValue());
        assertEquals(START, e.getDateStart().getValue().toInstant());
        assertEquals(1_796_000_000, e.getSequence().getValue());
        assertEquals("Olivia 'Liv' Owner", e.getOrganizer().getCommonName());
        assertEquals("gia@example.org", e.getAttendees().getFirst().getEmail());
    }

    @Test
    void aCancellationIsCancelled() {
        String ics = new BiweeklyCalendarWriter().write(new CalendarWriter.Event(CalendarWriter.Method.CANCEL, "x@room-invites",
                2, START, START.plusSeconds(60), "T", null, null, null, START));
        ICalendar ical = Biweekly.parse(ics).first();
        assertEquals("CANCEL", ical.getMethod().getValue());
        assertEquals("CANCELLED", ical.getEvents().getFirst().getStatus().getValue());
    }
}
