package io.roominvites.domain;

/** Where a room's live session stands at a moment. */
public enum SessionState {
    NOT_STARTED, OPEN, ENDED
}
