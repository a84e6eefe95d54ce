package io.roominvites.tokens;

import java.time.Instant;
import java.util.List;

/**
 * What an access token grants: one device of one invitee in one room.
 *
 * @param email       the invitee's email ({@code sub})
 * @param roomId      the room ({@code room_id})
 * @param role        the room role ({@code role})
 * @param permissions the role's permissions ({@code permissions}); null is read as empty
 * @param inviteId    the invitation ({@code invite_id})
 * @param deviceId    the device the invitation is bound to ({@code device_id})
 * @param issuedAt    {@code iat}
 * @param expiresAt   {@code exp}
 */
public record AccessGrant(String email, String roomId, String role, List<String> permissions, String inviteId,
                          String deviceId, Instant issuedAt, Instant expiresAt) {

    public AccessGrant {
        permissions = permissions == null ? List.of() : List.copyOf(permissions);
    }
}
