package io.roominvites.domain;

import java.time.Instant;

/**
 * What an invitee may see of a room. Invites keep a copy of it (kept in step when the room changes)
 * so that preview and redeem need one DynamoDB call.
 */
public record RoomView(String roomId, String title, String description, Instant startsAt, Instant endsAt,
                       String timeZone) {
    public RoomView(String roomId, String title, String description, Instant startsAt, Instant endsAt) {
        this(roomId, title, description, startsAt, endsAt, Locales.DEFAULT_TIME_ZONE);
    }
}
