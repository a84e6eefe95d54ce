package io.roominvites.service;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.email.EmailGateway;
import io.roominvites.email.EmailQueue;
import io.roominvites.store.InviteStore;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Sends an invite's email whose attempt was reserved (QUEUED) earlier, exactly once: the attempt is first claimed by a
 * conditional write pinned on the invite's revision (the QUEUED attempt gets the claim's time), then sent, then its
 * outcome recorded in its place. A second sender of the same job finds the attempt claimed and sends nothing. A crash
 * between the claim and the send leaves the attempt QUEUED (never sent twice; the manager may resend it).
 */
public final class QueuedEmails {
    private final InvitationEmails invitations;
    private final InviteStore store;
    private final SettingsCache settings;
    private final EmailGateway email;
    private final Clock clock;
    private final FollowUpSender followUps;

    public QueuedEmails(InvitationEmails invitations, InviteStore store, SettingsCache settings, EmailGateway email, Clock clock) {
        this(invitations, store, settings, email, clock, null);
    }

    /** @param followUps sends the follow-up jobs (calendar updates and cancellations, reminders); null: none come here */
    public QueuedEmails(InvitationEmails invitations, InviteStore store, SettingsCache settings, EmailGateway email, Clock clock,
                        FollowUpSender followUps) {
        this.invitations = invitations;
        this.store = store;
        this.settings = settings;
        this.email = email;
        this.clock = clock;
        this.followUps = followUps;
    }

    /** One queue message: its jobs, each sent unless claimed already. One call reads each invite with its room. */
    public void sendMessage(String body) {
        for (EmailQueue.Job job : EmailQueue.jobs(body)) {
            if (job.followUp() != null) {
                if (followUps == null) {
                    throw new IllegalStateException("a follow-up job, and no follow-up sender here");
                }
                followUps.send(job);
                continue;
            }
            InviteStore.Loaded loaded = store.load(job.roomId(), job.inviteId());
            if (loaded.invite().isEmpty()) {
                continue; // gone (removed after expiry): nothing to send
            }
            send(loaded.invite().get(), loaded.room().orElse(null), job.queuedAt());
        }
    }

    /**
     * Sends the email of {@code invite} reserved at {@code queuedAt} unless another sender claimed it or it was
     * settled; answers the invite as stored afterwards (as far as this sender knows it).
     */
    public Invite send(Invite invite, Room room, Instant queuedAt) {
        Invite current = invite;
        for (int tries = 0; tries < 20; tries++) {
            if (current.emailDelivery() == null || !current.emailDelivery().hasQueued(queuedAt)) {
                return current; // claimed or settled by another sender
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            // a time no other attempt has (an attempt is known by its time)
            Instant claimAt = current.emailDelivery().after(now.isAfter(queuedAt) ? now : queuedAt.plusMillis(1));
            String cancelled = cancelReason(current, room, now);
            Invite.EmailDelivery claimed = current.emailDelivery().reclaim(queuedAt, claimAt);
            Invite next = current.withEmailDelivery(claimed);
            InviteStore.Replaced r = store.replaceInvite(current, next, room, false);
            if (r instanceof InviteStore.Replaced.Gone) {
                return current;
            }
            if (r instanceof InviteStore.Replaced.Changed changed) {
                Invite latest = changed.latest();
                current = latest != null ? latest : store.findInvite(invite.roomId(), invite.inviteId()).orElse(null);
                if (current == null) {
                    return invite;
                }
                continue;
            }
            EmailGateway.SendOutcome outcome;
            if (cancelled != null) {
                outcome = EmailGateway.SendOutcome.failed(cancelled);
            } else {
                SiteSettings s = settings.get();
                String link = invitations.link(s, next, now);
                String locale = InvitationEmails.localeOf(next, s);
                outcome = email.send(next.email(), invitations.invitationTemplate(s, locale),
                        InvitationEmails.templateData(next, room, next.createdByName(), link, invitations.accessCode(next), locale),
                        invitations.attachments(next, room, link));
            }
            return invitations.recordOutcome(next, room, outcome, claimAt);
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    /** Why the email must not go out now (the invite or room changed since it was queued), or null. */
    private String cancelReason(Invite invite, Room room, Instant now) {
        if (room == null || room.deleted()) {
            return "Not sent: the room was deleted first.";
        }
        if (invite.erased()) {
            return "Not sent: the invitee's data was erased first.";
        }
        if (invite.storedStatus() == InviteStatus.REVOKED) {
            return "Not sent: the invitation was revoked first.";
        }
        if (invite.status(now) == InviteStatus.EXPIRED) {
            return "Not sent: the link expired before the email could go out. Reissue it to send a new link.";
        }
        SiteSettings s = settings.get();
        if (s.emailTemplateName() == null || !s.inviteToMediaEnabled() || s.linkBaseUrl() == null) {
            return "Not sent: invitation emails were turned off first.";
        }
        if (s.isBlocked(invite.email())) {
            return "Not sent: the invitee's email domain was blocked first.";
        }
        return null;
    }
}
