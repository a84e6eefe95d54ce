package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.Invite;
import io.roominvites.store.InviteStore;
import io.roominvites.tokens.LinkTokens;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A room's invites for an audit or a spreadsheet: every invite, newest first, a page at a time. A page holds at most
 * {@link #PAGE} invites, so that its answer stays within Lambda's 6 MB and API Gateway's 10 MB at any room size (an
 * invite is at most ~2 KB in either format); the next page starts at a sealed cursor, as the listing's does. Paged in
 * the answer rather than written to S3: no bucket, no second request to poll, no link to keep secret, and the same
 * consistency as the listing (see the contract's "Send limits, erasure and export").
 */
public final class InviteExport {
    /** The most invites one page holds. */
    public static final int PAGE = 2000;
    /** How many the listing reads a call (it fetches them 100 a BatchGetItem). */
    private static final int READ = 500;
    private static final String LISTING = "EXPORT";

    private final InviteStore store;
    private final LinkTokens links;
    private final Clock clock;

    public InviteExport(InviteStore store, LinkTokens links, Clock clock) {
        this.store = store;
        this.links = links;
        this.clock = clock;
    }

    /** One page of the room's invites (managers only); {@code cursor} is the previous page's next cursor, or null. */
    public InviteService.InvitePage page(Caller caller, String roomId, String cursor) {
        InviteService.requireManagedRoom(caller, store.findRoom(roomId));
        String after = cursor == null || cursor.isEmpty() ? null : links.openCursor(cursor, LISTING, roomId);
        List<Invite> out = new ArrayList<>();
        while (out.size() < PAGE) {
            InviteStore.Page page = store.listInvites(roomId, null, Math.min(READ, PAGE - out.size()), after,
                    clock.instant());
            out.addAll(page.invites());
            after = page.lastInviteId();
            if (after == null) {
                break;
            }
        }
        String next = after == null ? null : links.sealCursor(LISTING, roomId, after);
        return new InviteService.InvitePage(out, next, false);
    }
}
