package io.roominvites.service;

import io.roominvites.calendar.CalendarWriter;
import io.roominvites.domain.FollowUpMail;
import io.roominvites.domain.Invite;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.email.EmailGateway;
import io.roominvites.email.EmailQueue;
import io.roominvites.logging.Log;
import io.roominvites.store.FollowUpClaims;
import io.roominvites.store.InviteStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Sends one follow-up email ({@link FollowUpMail}) of one invite, exactly once: decided again on the invite and room as
 * they are now (a later change wins), then claimed by a conditional write ({@link FollowUpClaims}), then sent with the
 * template {@code {emailTemplateName}-updated}, {@code -cancelled} or {@code -reminder}, then its outcome recorded on
 * the claim (whose SENT is the follow-up's lifecycle event). A job delivered twice, or two senders racing, send once; a
 * crash between the claim and the send sends none (never two).
 */
public final class FollowUpSender {
    /** The template suffix of each follow-up. */
    public static String templateSuffix(FollowUpMail.Kind kind) {
        return switch (kind) {
            case CALENDAR_UPDATE -> "-updated";
            case CALENDAR_CANCEL -> "-cancelled";
            case REMINDER -> "-reminder";
        };
    }

    private final InvitationEmails invitations;
    private final InviteStore store;
    private final SettingsCache settings;
    private final EmailGateway email;
    private final CalendarWriter calendar;
    private final Clock clock;
    private final Ids ids;

    public FollowUpSender(InvitationEmails invitations, InviteStore store, SettingsCache settings, EmailGateway email,
                          CalendarWriter calendar, Clock clock, Ids ids) {
        this.invitations = invitations;
        this.store = store;
        this.settings = settings;
        this.email = email;
        this.calendar = calendar;
        this.clock = clock;
        this.ids = ids;
    }

    /** What became of one job. */
    public enum Outcome { SENT, FAILED, SKIPPED, CLAIMED_BEFORE }

    public Outcome send(EmailQueue.Job job) {
        InviteStore.Loaded loaded = store.load(job.roomId(), job.inviteId());
        Invite invite = loaded.invite().orElse(null);
        Room room = loaded.room().orElse(null);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (invite == null || FollowUpMail.skipReason(job.followUp(), job.ref(), invite, room, now) != null) {
            return Outcome.SKIPPED;
        }
        SiteSettings s = settings.get();
        if (job.followUp() == FollowUpMail.Kind.REMINDER && !reminderInForce(job.ref(), room, s, now)) {
            return Outcome.SKIPPED;
        }
        if (s.emailTemplateName() == null || !s.inviteToMediaEnabled() || s.linkBaseUrl() == null
                || s.isBlocked(invite.email())) {
            return Outcome.SKIPPED; // emails turned off, or the domain blocked since
        }
        FollowUpClaims.Claim claim = new FollowUpClaims.Claim(invite.roomId(), invite.inviteId(), job.followUp(),
                job.ref(), invite.rev(), invite.role().name(), ids.newClaimId(), now);
        if (!store.claimFollowUp(claim)) {
            return Outcome.CLAIMED_BEFORE;
        }
        long sequence = job.followUp() == FollowUpMail.Kind.CALENDAR_CANCEL
                ? FollowUpMail.cancelSequence(room, now) : FollowUpMail.sequence(room, invite.createdAt());
        // a provider's failure that is not an answer (a crash, a time-out) leaves the claim CLAIMED: never sent twice
        EmailGateway.SendOutcome outcome = deliver(job, invite, room, s, sequence, now);
        store.settleFollowUp(new FollowUpClaims.Settled(claim, outcome.sent(), sequence, clock.instant()));
        if (!outcome.sent()) {
            Log.warn("follow-up not sent", Map.of("followUp", job.followUp().name(), "inviteId", invite.inviteId()));
        }
        return outcome.sent() ? Outcome.SENT : Outcome.FAILED;
    }

    private EmailGateway.SendOutcome deliver(EmailQueue.Job job, Invite invite, Room room, SiteSettings s, long sequence,
                                             Instant now) {
        boolean cancel = job.followUp() == FollowUpMail.Kind.CALENDAR_CANCEL;
        String link = cancel ? null : invitations.link(s, invite, now);
        String locale = InvitationEmails.localeOf(invite, s);
        Map<String, Object> data = InvitationEmails.templateData(invite, room, invite.createdByName(), link,
                cancel ? null : invitations.accessCode(invite), locale);
        data.put("sequence", sequence);
        if (job.followUp() == FollowUpMail.Kind.REMINDER) {
            data.put("minutesBefore", Integer.parseInt(job.ref().substring(job.ref().indexOf(':') + 1)));
        }
        List<EmailGateway.Attachment> files = job.followUp() == FollowUpMail.Kind.REMINDER ? List.of()
                : attachment(invite, room, link, cancel, sequence, now);
        // the follow-up's own base name, then the invite's language as for the invitation: RoomInvitation-updated-de
        return email.send(invite.email(), EmailLanguage.template(email, s.emailTemplateName() + templateSuffix(job.followUp()),
                locale), data, files);
    }

    private List<EmailGateway.Attachment> attachment(Invite invite, Room room, String link, boolean cancel, long sequence,
                                                     Instant now) {
        if (calendar == null) {
            return List.of();
        }
        CalendarWriter.Event e = InviteCalendar.event(invite, room, link == null ? "" : link, now.truncatedTo(ChronoUnit.SECONDS));
        CalendarWriter.Method method = cancel ? CalendarWriter.Method.CANCEL : CalendarWriter.Method.REQUEST;
        String ics = calendar.write(new CalendarWriter.Event(method, e.uid(), sequence, e.startsAt(), e.endsAt(),
                e.summary(), cancel ? room.description() : e.description(), link, e.organizerName(), e.stampedAt(),
                invite.email(), email.senderAddress()));
        return List.of(new EmailGateway.Attachment("invite.ics", "text/calendar; charset=utf-8; method=" + method.name(),
                ics.getBytes(StandardCharsets.UTF_8)));
    }

    /** The reminder {@code ref} is one of the room's reminders in force and its session has not started. */
    static boolean reminderInForce(String ref, Room room, SiteSettings s, Instant now) {
        int minutes = Integer.parseInt(ref.substring(ref.indexOf(':') + 1));
        return now.isBefore(room.startsAt()) && room.reminders(s).contains(minutes);
    }
}
