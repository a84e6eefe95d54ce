package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteRules;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.store.InviteStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A manager's changes of one invite: revoke, promote, reissue, release its devices. Each reads the invite with its
 * room (one call), decides in plain Java ({@link InviteRules}), and writes once, conditioned on what it read.
 */
public final class InviteChanges {
    private final InvitationEmails invitations;
    private final InviteStore store;
    private final SettingsCache settings;
    private final Clock clock;

    public InviteChanges(InvitationEmails invitations, InviteStore store, SettingsCache settings, Clock clock) {
        this.invitations = invitations;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /** Revokes an invitation; revoking again is not an error. */
    public Invite revoke(Caller caller, String roomId, String inviteId) {
        return change(caller, roomId, inviteId, false, (invite, room, now) -> {
            if (invite.storedStatus() == InviteStatus.REVOKED) {
                return invite;
            }
            return invite.revoked(now);
        }).after();
    }

    /** Raises an invitee's role; the invitee sees it on the next redeem from their device (a refresh). */
    public Promotion promote(Caller caller, String roomId, String inviteId, Role role) {
        Changed changed = change(caller, roomId, inviteId, true, (invite, room, now) -> {
            ErrorCode code = InviteRules.promotionRefusal(invite, room, role, now);
            if (code == ErrorCode.ROLE_NOT_HIGHER) {
                throw new InviteException(code, "The invitee is already a " + invite.role().label()
                        + ". An invitee can only be promoted to a higher role.");
            }
            if (code == ErrorCode.INVITE_NOT_ACTIVE && invite.erased()) {
                throw InviteService.erasedInvite();
            }
            if (code == ErrorCode.INVITE_NOT_ACTIVE) {
                throw new InviteException(code, invite.status(now) == InviteStatus.REVOKED
                        ? "This invitation was revoked, so its role can't be changed. Create a new invitation instead."
                        : invite.locked()
                        ? "This invitation is locked after " + Invite.MAX_EMAIL_ATTEMPTS
                        + " wrong email addresses, so its role can't be changed. Reissue it first."
                        : "This invitation's link expired before it was used, so its role can't be changed. Reissue it first.");
            }
            if (code == ErrorCode.SESSION_ENDED) {
                throw new InviteException(code, "This session is over, so the invitee's role can no longer be changed.");
            }
            if (code != null) {
                throw new InviteException(code);
            }
            return invite.withRole(role, now);
        });
        return new Promotion(changed.after(), changed.before().role());
    }

    /**
     * A new link for the same invite, role and history, expiring linkTtlMinutes from now; every earlier link answers
     * LINK_REPLACED at once; the wrong-email count and lock are cleared. Emailed when asked (then like create: the
     * new link is stored first).
     */
    public InviteService.CreatedInvite reissue(Caller caller, String roomId, String inviteId, boolean sendEmail) {
        SiteSettings s = settings.get();
        if (sendEmail && !invitations.sendEmailAvailable(s)) {
            throw new InviteException(ErrorCode.EMAIL_TEMPLATE_NOT_CONFIGURED);
        }
        if (s.linkBaseUrl() == null) {
            throw new InviteException(ErrorCode.FEATURE_DISABLED,
                    "Invitations are not set up on this site yet: an administrator must set the link base URL.");
        }
        Changed changed = change(caller, roomId, inviteId, true, (invite, room, now) -> {
            ErrorCode refusal = InviteRules.createRefusal(room, s, now);
            if (refusal != null) {
                throw CreatePolicy.refused(refusal);
            }
            ErrorCode code = InviteRules.reissueRefusal(invite, room, now);
            if (code == ErrorCode.INVITE_NOT_ACTIVE && invite.erased()) {
                throw InviteService.erasedInvite();
            }
            if (code == ErrorCode.INVITE_NOT_ACTIVE) {
                throw new InviteException(code, invite.storedStatus() == InviteStatus.REVOKED
                        ? "This invitation was revoked, so it can't get a new link. Create a new invitation instead."
                        : "This invitation was already used on a device, so it can't get a new link. Release its device instead.");
            }
            if (code != null) {
                throw new InviteException(code);
            }
            if (s.isBlocked(invite.email())) {
                throw new InviteException(ErrorCode.DOMAIN_BLOCKED);
            }
            if (sendEmail && invite.emailDelivery() != null && invite.emailDelivery().attempts() >= Invite.MAX_EMAIL_SENDS) {
                throw new InviteException(ErrorCode.RATE_LIMITED, "This invitation was already emailed "
                        + Invite.MAX_EMAIL_SENDS + " times. Reissue it without email and share the new link yourself.");
            }
            return invite.reissued(now.plus(Duration.ofMinutes(s.linkTtlMinutes())).truncatedTo(ChronoUnit.SECONDS),
                    sendEmail ? Invite.EmailDelivery.queue(invite.emailDelivery(), now) : invite.emailDelivery());
        });
        Invite invite = changed.after();
        Instant now = clock.instant();
        String link = invitations.link(s, invite, now);
        if (!sendEmail) {
            return new InviteService.CreatedInvite(invite, link, InviteService.EmailStatus.NOT_REQUESTED, false);
        }
        return invitations.sendAndRecord(invite, changed.room(), caller, link, s);
    }

    /**
     * Frees every device bound to a redeemed invite: the invitee may join again from a new device with the same link
     * (proving the invited email) until the session ends, even past the link's expiry.
     */
    public Invite releaseDevices(Caller caller, String roomId, String inviteId) {
        return change(caller, roomId, inviteId, true, (invite, room, now) -> {
            ErrorCode code = InviteRules.releaseRefusal(invite, room, now);
            if (code == ErrorCode.INVITE_NOT_ACTIVE && invite.erased()) {
                throw InviteService.erasedInvite();
            }
            if (code == ErrorCode.INVITE_NOT_ACTIVE) {
                throw new InviteException(code, invite.storedStatus() == InviteStatus.REVOKED
                        ? "This invitation was revoked, so its devices can't be released. Create a new invitation instead."
                        : "No device holds this invitation now, so there is nothing to release.");
            }
            if (code == ErrorCode.SESSION_ENDED) {
                throw new InviteException(code, "This session is over, so the invitation's devices can no longer be released.");
            }
            if (code != null) {
                throw new InviteException(code);
            }
            return invite.devicesReleased(now);
        }).after();
    }

    /** A manager's change of one invite, decided on the invite and room as read (it may refuse by throwing). */
    @FunctionalInterface
    private interface InviteChange {
        Invite apply(Invite invite, Room room, Instant now);
    }

    private record Changed(Invite before, Invite after, Room room) {
    }

    /**
     * Reads the invite with its room (one call), checks the caller manages the room, decides the change, and writes
     * it only if neither changed since (one conditional write; the room's version is checked when {@code roomGate});
     * on a change meanwhile, reads and decides again. A change that leaves the invite as it is writes nothing.
     */
    private Changed change(Caller caller, String roomId, String inviteId, boolean roomGate, InviteChange change) {
        for (int attempt = 0; attempt < 10; attempt++) {
            InviteStore.Loaded loaded = store.load(roomId, inviteId);
            Room room = InviteService.requireManagedRoom(caller, loaded.room());
            Invite invite = loaded.invite().orElseThrow(() -> new InviteException(ErrorCode.INVITE_NOT_FOUND));
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Invite next = change.apply(invite, room, now);
            if (next == invite) {
                return new Changed(invite, invite, room);
            }
            next = next.by(CreatePolicy.actor(caller), now);
            InviteStore.Replaced r = store.replaceInvite(invite, next, room, roomGate);
            if (r instanceof InviteStore.Replaced.Applied) {
                return new Changed(invite, next, room);
            }
            if (r instanceof InviteStore.Replaced.Gone) {
                throw new InviteException(ErrorCode.INVITE_NOT_FOUND);
            }
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    public record Promotion(Invite invite, Role previousRole) {
    }
}
