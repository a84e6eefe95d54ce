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
 * @param guest       a guest who entered by a guest link ({@code guest: true}; then {@code email} may be null,
 *                    {@code inviteId} is the guest link's id and {@code name} what the guest typed)
 * @param name        the guest's name ({@code name}), null for an invitee
 */
public record AccessGrant(String email, String roomId, String role, List<String> permissions, String inviteId,
                          String deviceId, Instant issuedAt, Instant expiresAt, boolean guest, String name) {

    public AccessGrant {
        permissions = permissions == null ? List.of() : List.copyOf(permissions);
    }

    /** An invitee's grant (not a guest's). */
    public AccessGrant(String email, String roomId, String role, List<String> permissions, String inviteId,
                       String deviceId, Instant issuedAt, Instant expiresAt) {
        this(email, roomId, role, permissions, inviteId, deviceId, issuedAt, expiresAt, false, null);
    }
}
