package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.Emails;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteRules;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.service.InviteService.NewInvite;
import io.roominvites.store.RoomStore;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What creating an invite decides, the same for a single create ({@link InviteService#create}) and for each row of a
 * bulk create ({@link BulkInvites}): the room's and the site's refusals, the setup an invite needs (a link base URL,
 * the email template when emailing), each invite's own refusals (a blocked domain, more devices than the site allows)
 * in the manager's words, the invite as created (its expiry and actor), and the room read again when a write found it
 * changed.
 */
final class CreatePolicy {
    private CreatePolicy() {
    }

    /** Refuses a create in a room that does not accept invites now (invitations off, C&C off, session over). */
    static void checkRoom(Room room, SiteSettings s, Instant now) {
        ErrorCode refusal = InviteRules.createRefusal(room, s, now);
        if (refusal != null) {
            throw refused(refusal);
        }
    }

    /** Refuses a create the site is not set up for: emailing without a template, no link base URL. */
    static void checkSetup(SiteSettings s, boolean sendEmail, boolean sendEmailAvailable) {
        if (sendEmail && !sendEmailAvailable) {
            throw new InviteException(ErrorCode.EMAIL_TEMPLATE_NOT_CONFIGURED);
        }
        if (s.linkBaseUrl() == null) {
            throw new InviteException(ErrorCode.FEATURE_DISABLED,
                    "Invitations are not set up on this site yet: an administrator must set the link base URL.");
        }
    }

    /** DOMAIN_BLOCKED, saying which domain, when invitations to {@code email} are blocked; else null. */
    static InviteException blocked(String email, SiteSettings s) {
        if (!s.isBlocked(email)) {
            return null;
        }
        return new InviteException(ErrorCode.DOMAIN_BLOCKED, "Invitations to " + Emails.domain(email)
                + " addresses are blocked on this site. Use a different email address or contact the site administrator.");
    }

    /** A field error when the invite asks for more devices than the site's linkMaxDevices; else null. */
    static InviteException tooManyDevices(NewInvite n, SiteSettings s) {
        if (n.maxDevices() == null || n.maxDevices() <= s.linkMaxDevices()) {
            return null;
        }
        return InviteException.invalid("maxDevices", "must be from 1 to " + s.linkMaxDevices()
                + " (this site's linkMaxDevices)");
    }

    /**
     * A field error when the invite asks for a language the site does not offer ({@code locales}; a regional variant of
     * an offered language is offered: {@code de-CH} where {@code de} is); else null.
     */
    static InviteException localeNotOffered(NewInvite n, SiteSettings s) {
        if (n.locale() == null || io.roominvites.domain.Locales.offered(n.locale(), s.locales()) != null) {
            return null;
        }
        return InviteException.invalid("locale", "must be one of the languages this site offers ("
                + String.join(", ", s.locales()) + "), or a regional variant of one");
    }

    /** The invite's language: the one asked for, else the site's default. */
    static String localeFor(NewInvite n, SiteSettings s) {
        return n.locale() != null ? n.locale() : s.defaultLocale();
    }

    /** When a link made now expires: linkTtlMinutes from now, in whole seconds. */
    static Instant expiresAt(SiteSettings s, Instant now) {
        return now.plus(Duration.ofMinutes(s.linkTtlMinutes())).truncatedTo(ChronoUnit.SECONDS);
    }

    /** The invite {@code caller} creates, its email QUEUED (to be sent after the write) when {@code sendEmail}. */
    static Invite newInvite(String inviteId, String roomId, NewInvite n, Caller caller, Instant now, Instant expiresAt,
                            boolean sendEmail, SiteSettings s) {
        return Invite.created(inviteId, roomId, n.email(), n.firstName(), n.lastName(), n.role(), now, actor(caller),
                caller.displayName(), expiresAt, n.maxDevices() == null ? 1 : n.maxDevices(),
                sendEmail ? Invite.EmailDelivery.queue(null, now) : null, localeFor(n, s));
    }

    /** Who a manager's change is recorded as made by (in the item, for the lifecycle events): email, else subject. */
    static String actor(Caller caller) {
        return caller.email() != null ? caller.email() : caller.subject();
    }

    /**
     * The room again, after a write found it changed since it was read: still there, still managed by the caller, and
     * still accepting invites (else the refusal, as for a first read).
     */
    static Room roomAgain(RoomStore rooms, SiteSettings s, Caller caller, String roomId, Instant now) {
        Room room = InviteService.requireManagedRoom(caller, rooms.findRoom(roomId));
        checkRoom(room, s, now);
        return room;
    }

    /** A create or resend refused by {@link InviteRules#createRefusal}, in the manager's terms. */
    static InviteException refused(ErrorCode code) {
        if (code == ErrorCode.SESSION_ENDED) {
            return new InviteException(code, "This session is over, so no more invitations can be created or sent for it.");
        }
        return new InviteException(code);
    }
}
