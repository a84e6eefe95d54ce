package io.roominvites.service;

import io.roominvites.calendar.CalendarWriter;
import io.roominvites.domain.Caller;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteRules;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.email.EmailGateway;
import io.roominvites.service.InviteService.CreatedInvite;
import io.roominvites.service.InviteService.EmailStatus;
import io.roominvites.store.InviteStore;
import io.roominvites.tokens.LinkTokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The invitation email, from the link it carries to its recorded outcome, and resend, which emails a pending
 * invitation again. Create, bulk, reissue, resend and the email queue all send through here, and the follow-ups build
 * their data here, so that every email of an invite says the same things in the same language and every outcome is
 * recorded the same way: in place of the QUEUED attempt reserved before the send. Built once by {@link InviteService},
 * whose send limits resend books against.
 */
public final class InvitationEmails {
    private static final DateTimeFormatter READABLE =
            DateTimeFormatter.ofPattern("EEEE, d MMMM uuuu 'at' HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final InviteStore store;
    private final SettingsCache settings;
    private final LinkTokens links;
    private final EmailGateway email;
    private final Clock clock;
    private final CalendarWriter calendar;
    private final SendLimiter limiter;

    /** @param calendar writes the invitation email's {@code invite.ics}; null sends it without */
    InvitationEmails(InviteStore store, SettingsCache settings, LinkTokens links, EmailGateway email, Clock clock,
                     CalendarWriter calendar, SendLimiter limiter) {
        this.store = store;
        this.settings = settings;
        this.links = links;
        this.email = email;
        this.clock = clock;
        this.calendar = calendar;
        this.limiter = limiter;
    }

    /**
     * Emails a pending invitation again (after a failed send, or on request): one read of the room and the invite
     * together, one write that reserves the attempt (so that racing resends can't pass the cap), the email, one write
     * of its outcome.
     */
    public CreatedInvite resend(Caller caller, String roomId, String inviteId) {
        for (int attempt = 0; attempt < 10; attempt++) {
            InviteStore.Loaded loaded = store.load(roomId, inviteId);
            Room room = InviteService.requireManagedRoom(caller, loaded.room());
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            SiteSettings s = settings.get();
            ErrorCode refusal = InviteRules.createRefusal(room, s, now);
            if (refusal != null) {
                throw CreatePolicy.refused(refusal);
            }
            Invite invite = loaded.invite().orElseThrow(() -> new InviteException(ErrorCode.INVITE_NOT_FOUND));
            if (invite.erased()) {
                throw InviteService.erasedInvite();
            }
            if (invite.status(now) != InviteStatus.PENDING) {
                throw new InviteException(ErrorCode.INVITE_NOT_ACTIVE,
                        "Only a pending invitation can be emailed again; this one is " + invite.status(now).name().toLowerCase(Locale.ROOT)
                                + ". " + (invite.status(now) == InviteStatus.EXPIRED
                                ? "Reissue it to send a new link." : "Create a new invitation instead."));
            }
            if (invite.locked()) {
                // its link can only answer INVITE_LOCKED now: emailing it again would send a dead link
                throw new InviteException(ErrorCode.INVITE_NOT_ACTIVE, "This invitation is locked after "
                        + Invite.MAX_EMAIL_ATTEMPTS + " wrong email addresses, so its link no longer works. Reissue it to send a new link.");
            }
            if (s.isBlocked(invite.email())) {
                throw new InviteException(ErrorCode.DOMAIN_BLOCKED);
            }
            if (!sendEmailAvailable(s)) {
                throw new InviteException(ErrorCode.EMAIL_TEMPLATE_NOT_CONFIGURED);
            }
            if (invite.emailDelivery() != null && invite.emailDelivery().attempts() >= Invite.MAX_EMAIL_SENDS) {
                throw new InviteException(ErrorCode.RATE_LIMITED, "This invitation was already emailed "
                        + Invite.MAX_EMAIL_SENDS + " times. Copy the link and share it yourself, or create a new invitation.");
            }
            if (invite.emailDelivery() != null && invite.emailDelivery().at() != null) {
                Instant calm = invite.emailDelivery().at().plusSeconds(s.sendLimits().resendCooldownSeconds());
                if (now.isBefore(calm)) {
                    throw SendLimiter.coolingDown(Duration.between(now, calm), s.sendLimits().resendCooldownSeconds());
                }
            }
            SendLimiter.Booking booking = limiter.book(caller, roomId, 1, true, s.sendLimits(), now);
            if (booking.booked() == 0) {
                throw booking.refusal();
            }
            Invite next = invite.withEmailDelivery(Invite.EmailDelivery.queue(invite.emailDelivery(), now))
                    .by(CreatePolicy.actor(caller), now);
            InviteStore.Replaced r = store.replaceInvite(invite, next, room, false);
            if (r instanceof InviteStore.Replaced.Gone) {
                throw new InviteException(ErrorCode.INVITE_NOT_FOUND);
            }
            if (r instanceof InviteStore.Replaced.Applied) {
                String link = link(s, next, now);
                return sendAndRecord(next, room, caller, link, s);
            }
            // changed meanwhile (another resend, a redeem): read again and decide again
            InviteService.pause(attempt);
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    /**
     * Sends the email of {@code invite}, whose latest attempt is QUEUED (written before sending), and records the
     * outcome in its place; answers the invite as stored after that.
     */
    CreatedInvite sendAndRecord(Invite invite, Room room, Caller caller, String link, SiteSettings s) {
        String locale = localeOf(invite, s);
        EmailGateway.SendOutcome outcome = email.send(invite.email(), invitationTemplate(s, locale),
                templateData(invite, room, caller.displayName(), link, accessCode(invite), locale),
                attachments(invite, room, link));
        Invite recorded = recordOutcome(invite, room, outcome, invite.emailDelivery().at());
        // this request's own email, whatever other requests reserved or recorded meanwhile
        return new CreatedInvite(recorded, link, outcome.sent() ? EmailStatus.SENT : EmailStatus.FAILED, false,
                outcome.messageId(), outcome.error());
    }

    /**
     * Records the outcome of the email whose QUEUED attempt is {@code invite}'s latest, in place of that attempt (not of
     * one another request reserved since). Each refused write carries the invite as stored, so a retry costs no read;
     * racing writes each change the invite once, so this settles within as many tries as there are racers.
     */
    Invite recordOutcome(Invite invite, Room room, EmailGateway.SendOutcome outcome, Instant queuedAt) {
        Invite.Attempt attempt = new Invite.Attempt(outcome.sent() ? "SENT" : "FAILED",
                clock.instant().truncatedTo(ChronoUnit.MILLIS), outcome.error());
        Invite current = invite;
        // the outcome is the reserving request's change (its actor), recorded when it is known
        String actor = invite.changedBy();
        Invite next = current.withEmailDelivery(current.emailDelivery().settle(queuedAt, attempt,
                outcome.sent() ? outcome.messageId() : null)).by(actor, attempt.at());
        for (int tries = 0; tries < 50; tries++) {
            InviteStore.Replaced r;
            try {
                r = store.replaceInvite(current, next, room, false);
            } catch (InviteException unavailable) {
                // the email went out: the caller learns its outcome even if the record stays QUEUED
                return next;
            }
            if (r instanceof InviteStore.Replaced.Applied applied) {
                return applied.invite();
            }
            if (r instanceof InviteStore.Replaced.Gone) {
                return next;
            }
            Invite latest = ((InviteStore.Replaced.Changed) r).latest();
            current = latest != null ? latest : store.findInvite(invite.roomId(), invite.inviteId()).orElse(null);
            if (current == null || current.emailDelivery() == null) {
                return next;
            }
            next = current.withEmailDelivery(current.emailDelivery().settle(queuedAt, attempt,
                    outcome.sent() ? outcome.messageId() : null)).by(actor, attempt.at());
            InviteService.pause(tries);
        }
        // the invite kept changing under us (a burst of resends): the email went out and the answer says so; its
        // record keeps a QUEUED attempt, which counts against the cap like a sent one
        return next;
    }

    /** The invite's language: its own, or the site's default for an invite made before invites had one. */
    static String localeOf(Invite invite, SiteSettings s) {
        return invite.localeOr(s.defaultLocale());
    }

    /** The invitation template for {@code locale} ({@link EmailLanguage#template}). */
    String invitationTemplate(SiteSettings s, String locale) {
        return EmailLanguage.template(email, s.emailTemplateName(), locale);
    }

    boolean sendEmailAvailable(SiteSettings s) {
        return s.emailTemplateName() != null && email.templateExists(s.emailTemplateName());
    }

    String link(SiteSettings s, Invite invite, Instant now) {
        String token = links.issue(invite.roomId() + InviteeEntry.InviteRef.SEPARATOR + invite.inviteId(), invite.linkVersion(),
                invite.expiresAt(), now.isAfter(invite.expiresAt()) ? invite.expiresAt() : now);
        return s.linkBaseUrl() + "#invite=" + token;
    }

    /** The invitation email's files: its {@code invite.ics} (none where no calendar writer is deployed). */
    public List<EmailGateway.Attachment> attachments(Invite invite, Room room, String link) {
        return InviteCalendar.attachment(calendar, invite, room, link, clock.instant().truncatedTo(ChronoUnit.SECONDS),
                email.senderAddress());
    }

    /** The access code of the invite's current link, {@code XXXX-XXXX} (derived, never stored: {@code AccessCodes}). */
    public String accessCode(Invite invite) {
        return links.accessCode(invite.inviteId(), invite.linkVersion());
    }

    /**
     * The data every invitation email passes to the template (the inviter's name as stored on the invite), in
     * {@code locale} (the invite's, else the site's default: {@link #localeOf}).
     */
    static Map<String, Object> templateData(Invite invite, Room room, String inviterName, String link, String accessCode,
                                            String locale) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("firstName", invite.firstName());
        data.put("lastName", invite.lastName());
        data.put("roomTitle", room.title());
        data.put("roomDescription", room.description());
        data.put("startsAt", room.startsAt().toString());
        data.put("startsAtText", READABLE.format(room.startsAt()));
        data.put("roleLabel", invite.role().label());
        data.put("permissions", invite.role().permissionLabels());
        data.put("inviterName", inviterName);
        data.put("expiresAt", invite.expiresAt().toString());
        data.put("expiresAtText", READABLE.format(invite.expiresAt()));
        data.put("inviteLink", link);
        data.put("accessCode", accessCode);
        EmailLanguage.addTo(data, invite, room, locale);
        return data;
    }
}
