package io.roominvites.service;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.events.SesNotification;
import io.roominvites.store.InviteStore;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records the email provider's delivery reports on the invite they are about (matched by the SES message id of its
 * latest email): {@code emailDelivery.lastEvent}. The write is an ordinary invite write, so the change stream then
 * publishes the matching "Invite Email ..." event and adds it to the invite's history. A report about a message no
 * invite has (any more) is ignored and counted.
 */
public final class EmailFeedback {
    /** What became of one report. */
    public enum Result {
        /** Recorded on the invite. */
        RECORDED,
        /** The same report was recorded before (a redelivery). */
        ALREADY_RECORDED,
        /** Older than the report the invite has: kept as it is. */
        STALE,
        /** About an earlier email of the invite (it was emailed again since): not the invite's current state. */
        EARLIER_MESSAGE,
        /** No invite has this message id: ignored and counted. */
        UNKNOWN_MESSAGE,
        /** An SES event this service does not record (a send, an open, a click). */
        NOT_A_REPORT
    }

    private final InviteStore store;
    private final AtomicLong unknown = new AtomicLong();

    public EmailFeedback(InviteStore store) {
        this.store = store;
    }

    /**
     * Records one SES event (as EventBridge delivers it).
     *
     * @throws IllegalArgumentException when it is not an SES event
     */
    public Result record(Map<String, Object> event) {
        SesNotification report = SesNotification.parse(event);
        if (report == null) {
            return Result.NOT_A_REPORT;
        }
        Optional<InviteStore.InviteKey> key = store.findByEmailMessage(report.messageId());
        if (key.isEmpty()) {
            return unknownMessage();
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            InviteStore.Loaded loaded = store.load(key.get().roomId(), key.get().inviteId());
            Invite invite = loaded.invite().orElse(null);
            if (invite == null) {
                return unknownMessage();
            }
            Invite.EmailDelivery delivery = invite.emailDelivery();
            if (delivery == null || !report.messageId().equals(delivery.messageId())) {
                return Result.EARLIER_MESSAGE;
            }
            Invite.DeliveryEvent last = delivery.lastEvent();
            if (last != null && last.type().equals(report.type()) && last.at().equals(report.at())) {
                return Result.ALREADY_RECORDED;
            }
            if (last != null && last.at().isAfter(report.at())) {
                return Result.STALE;
            }
            Invite next = invite.withEmailDelivery(delivery.withEvent(
                    new Invite.DeliveryEvent(report.type(), report.at(), report.reason()))).by(null, report.at());
            InviteStore.Replaced r = store.replaceInvite(invite, next, loaded.room().orElse(null), false);
            if (r instanceof InviteStore.Replaced.Applied) {
                return Result.RECORDED;
            }
            if (r instanceof InviteStore.Replaced.Gone) {
                return unknownMessage();
            }
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    private Result unknownMessage() {
        long n = unknown.incrementAndGet();
        System.err.println("{\"event\":\"ses-report-unknown-message\",\"unknownMessages\":" + n + "}");
        return Result.UNKNOWN_MESSAGE;
    }

    /** Reports ignored because no invite has their message id (since this instance started). */
    public long unknownMessages() {
        return unknown.get();
    }
}
