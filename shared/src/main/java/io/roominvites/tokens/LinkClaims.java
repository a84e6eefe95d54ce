package io.roominvites.tokens;

import java.time.Instant;

/**
 * What a verified invitation link says.
 *
 * @param inviteId    the invitation the link opens ({@code inv})
 * @param linkVersion the link's version ({@code lv}, 1 when absent): only the invite's current version opens it
 * @param expiresAt   the link's expiry ({@code exp}); may be in the past: the caller decides what that means
 */
public record LinkClaims(String inviteId, int linkVersion, Instant expiresAt) {
}
