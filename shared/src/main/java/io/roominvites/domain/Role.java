package io.roominvites.domain;

import java.util.List;
import java.util.Locale;

/** The roles an invitee can hold, lowest first. Promotion only goes up. */
public enum Role {
    VIEWER("Viewer", List.of(Permission.CHAT, Permission.ANSWER_INTERACTIONS, Permission.QNA)),
    SPEAKER("Speaker", List.of(Permission.BACKCHANNEL, Permission.INTERACTIONS, Permission.QNA)),
    MODERATOR("Moderator", List.of(Permission.BACKCHANNEL, Permission.INITIATE_INTERACTIONS, Permission.QNA));

    private final String label;
    private final List<Permission> permissions;

    Role(String label, List<Permission> permissions) {
        this.label = label;
        this.permissions = permissions;
    }

    public String label() {
        return label;
    }

    public List<Permission> permissions() {
        return permissions;
    }

    public List<String> permissionIds() {
        return permissions.stream().map(Permission::id).toList();
    }

    public List<String> permissionLabels() {
        return permissions.stream().map(Permission::label).toList();
    }

    /** 1 for VIEWER, 2 for SPEAKER, 3 for MODERATOR: stored so promotion can be a conditional write. */
    public int rank() {
        return ordinal() + 1;
    }

    public boolean isHigherThan(Role other) {
        return rank() > other.rank();
    }

    /** Parses a role id case-insensitively; null when it is not a role. */
    public static Role parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** What an invitee may do in the room. */
    public enum Permission {
        CHAT("chat", "Chat"),
        ANSWER_INTERACTIONS("answer_interactions", "Answer interactions"),
        QNA("qna", "Q&A"),
        BACKCHANNEL("backchannel", "Backchannel"),
        INTERACTIONS("interactions", "Interactions"),
        INITIATE_INTERACTIONS("initiate_interactions", "Initiate interactions");

        private final String id;
        private final String label;

        Permission(String id, String label) {
            this.id = id;
            this.label = label;
        }

        public String id() {
            return id;
        }

        public String label() {
            return label;
        }
    }
}
