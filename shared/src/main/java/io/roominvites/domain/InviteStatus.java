package io.roominvites.domain;

/** An invite's status as callers see it. EXPIRED is never stored: it is a PENDING invite past its expiry. */
public enum InviteStatus {
    PENDING, REDEEMED, REVOKED, EXPIRED
}
