package io.roominvites.service;

import io.roominvites.domain.AccessCode;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.SendLedger;
import io.roominvites.store.InviteStore;
import io.roominvites.store.SendQuotaStore.Stored;
import io.roominvites.tokens.LinkTokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /invites/code}: an invitee who has the access code from the email but no working link (a mail gateway
 * rewrote it, a client cut it, another device) gets the invite's current link token for the room, email and code; then
 * preview and redeem as usual, so every rule of the link (revoked, room deleted, locked, expired) applies to it alike.
 *
 * <p>A wrong room, email or code is the same answer (404 CODE_INVALID), and each failure counts against the caller
 * (by address) and the room over a rolling 24 h ({@link #PER_CALLER_PER_DAY}, {@link #PER_ROOM_PER_DAY}); past either,
 * 429 RATE_LIMITED with Retry-After, before anything is looked up. Guessing is hopeless: a guess must name an invited
 * email and hit 1 of 2^40 codes (about 1.1 * 10^12); a room takes at most {@value #PER_ROOM_PER_DAY} wrong guesses a
 * day, so one invitee's code falls to a blind guesser with a chance of about 4.5 * 10^-10 a day.
 */
public final class CodeExchange {
    /** Wrong codes one caller may try in 24 h. */
    public static final int PER_CALLER_PER_DAY = 20;
    /** Wrong codes a room takes in 24 h (from everyone): past it, nobody's code is tried in that room until it frees. */
    public static final int PER_ROOM_PER_DAY = 500;
    private static final int SAVE_ATTEMPTS = 5;

    private final InviteStore store;
    private final LinkTokens links;
    private final Clock clock;

    /** @param links the link tokens (and their access codes); null where no operation of this app needs them */
    public CodeExchange(InviteStore store, LinkTokens links, Clock clock) {
        this.store = store;
        this.links = links;
        this.clock = clock;
    }

    /** The link token of the invite of {@code email} in {@code roomId} whose code is {@code typed}. */
    public String exchange(String roomId, String email, String typed, String callerAddress) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<String> keys = List.of(callerKey(callerAddress), "CODEFAIL#ROOM#" + roomId);
        List<Stored> ledgers = store.loadLedgers(keys);
        refuseWhenSpent(ledgers, now);
        String code = AccessCode.normalize(typed);
        if (code != null) {
            List<String> ids = store.inviteIdsOf(roomId, email);
            for (Invite invite : ids.isEmpty() ? List.<Invite>of() : store.findInvites(roomId, ids)) {
                if (email.equals(invite.email()) && links.accessCodes().matches(invite.inviteId(), invite.linkVersion(), code)) {
                    return links.issue(roomId + InviteeEntry.InviteRef.SEPARATOR + invite.inviteId(), invite.linkVersion(),
                            invite.expiresAt(), now.isAfter(invite.expiresAt()) ? invite.expiresAt() : now);
                }
            }
        }
        countFailure(keys, ledgers, now);
        throw new InviteException(ErrorCode.CODE_INVALID);
    }

    private static void refuseWhenSpent(List<Stored> ledgers, Instant now) {
        Duration wait = Duration.ZERO;
        int[] limits = {PER_CALLER_PER_DAY, PER_ROOM_PER_DAY};
        for (int i = 0; i < ledgers.size(); i++) {
            Duration w = ledgers.get(i).ledger().waitFor(1, limits[i], now);
            if (w.compareTo(wait) > 0) {
                wait = w;
            }
        }
        if (!wait.isZero()) {
            long seconds = Math.max(1, wait.toSeconds());
            throw new InviteException(ErrorCode.RATE_LIMITED, "Too many wrong access codes. Try again in "
                    + SendLimiter.text(seconds) + ", or ask the room manager for a new link.", List.of(),
                    Map.of("details", Map.of("limit", "accessCodeFailures", "retryAfterSeconds", seconds)));
        }
    }

    /** Books one failure on both ledgers (optimistic; read again on a race). Best effort past its tries. */
    private void countFailure(List<String> keys, List<Stored> read, Instant now) {
        List<Stored> ledgers = read;
        for (int attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
            List<SendLedger> next = new ArrayList<>(ledgers.size());
            for (Stored s : ledgers) {
                next.add(s.ledger().book(1, now));
            }
            if (store.saveLedgers(ledgers, next, now)) {
                return;
            }
            ledgers = store.loadLedgers(keys);
        }
    }

    /** A caller's ledger key: a hash of their address (no address in a key). */
    private static String callerKey(String address) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(String.valueOf(address).getBytes(StandardCharsets.UTF_8));
            return "CODEFAIL#CALLER#" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
