package io.roominvites.calendar;

import java.time.Instant;

/**
 * Writes an invitation's session as an iCalendar object (RFC 5545): the port; the {@code calendar} module implements
 * it with a well-kept iCalendar library, carried only by the functions that write calendars.
 */
public interface CalendarWriter {

    /** What a calendar entry says, and how. */
    enum Method { PUBLISH, REQUEST, CANCEL }

    /**
     * One session as one event.
     *
     * @param uid         stable for the invite: every update or cancellation of it names the same
     * @param sequence    raised at each change of what the event says (the room's last change, in seconds)
     * @param url         the join link (null for none)
     * @param stampedAt   when this object was written (DTSTAMP)
     * @param organizerEmail the ORGANIZER's address (the emails' sender; null: a name only, for a downloaded file)
     */
    record Event(Method method, String uid, long sequence, Instant startsAt, Instant endsAt, String summary,
                 String description, String url, String organizerName, Instant stampedAt, String attendeeEmail,
                 String organizerEmail) {
        /** An event whose organizer is named only. */
        public Event(Method method, String uid, long sequence, Instant startsAt, Instant endsAt, String summary,
                     String description, String url, String organizerName, Instant stampedAt, String attendeeEmail) {
            this(method, uid, sequence, startsAt, endsAt, summary, description, url, organizerName, stampedAt,
                    attendeeEmail, null);
        }

        /** An event with no attendee named (a file downloaded by the invitee). */
        public Event(Method method, String uid, long sequence, Instant startsAt, Instant endsAt, String summary,
                     String description, String url, String organizerName, Instant stampedAt) {
            this(method, uid, sequence, startsAt, endsAt, summary, description, url, organizerName, stampedAt, null);
        }
    }

    /** The object as text (CRLF line ends, folded lines), a whole {@code VCALENDAR}. */
    String write(Event event);
}
