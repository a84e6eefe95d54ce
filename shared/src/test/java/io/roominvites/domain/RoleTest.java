package io.roominvites.domain;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoleTest {

    @Test
    void rolesLowestFirstWithRanks() {
        assertEquals(List.of(Role.VIEWER, Role.SPEAKER, Role.MODERATOR), Arrays.asList(Role.values()));
        assertEquals(1, Role.VIEWER.rank());
        assertEquals(2, Role.SPEAKER.rank());
        assertEquals(3, Role.MODERATOR.rank());
    }

    @Test
    void higherIsStrict() {
        assertTrue(Role.SPEAKER.isHigherThan(Role.VIEWER));
        assertTrue(Role.MODERATOR.isHigherThan(Role.SPEAKER));
        assertTrue(Role.MODERATOR.isHigherThan(Role.VIEWER));
        for (Role r : Role.values()) {
            assertFalse(r.isHigherThan(r), r.name());
        }
        assertFalse(Role.VIEWER.isHigherThan(Role.SPEAKER));
        assertFalse(Role.SPEAKER.isHigherThan(Role.MODERATOR));
    }

    @Test
    void parseIsCaseInsensitiveAndTrims() {
        assertEquals(Role.VIEWER, Role.parse("VIEWER"));
        assertEquals(Role.SPEAKER, Role.parse("speaker"));
        assertEquals(Role.MODERATOR, Role.parse("  Moderator "));
        assertNull(Role.parse(null));
        assertNull(Role.parse(""));
        assertNull(Role.parse("ADMIN"));
        assertNull(Role.parse("viewers"));
        assertNull(Role.parse("1"));
    }

    @Test
    void labelsAndPermissionsAreTheSeeds() {
        assertEquals("Viewer", Role.VIEWER.label());
        assertEquals("Speaker", Role.SPEAKER.label());
        assertEquals("Moderator", Role.MODERATOR.label());
        // Viewer: chat, answer interactions, Q&A
        assertEquals(List.of("chat", "answer_interactions", "qna"), Role.VIEWER.permissionIds());
        assertEquals(List.of("Chat", "Answer interactions", "Q&A"), Role.VIEWER.permissionLabels());
        // Speaker: backchannel, interactions, Q&A
        assertEquals(List.of("backchannel", "interactions", "qna"), Role.SPEAKER.permissionIds());
        assertEquals(List.of("Backchannel", "Interactions", "Q&A"), Role.SPEAKER.permissionLabels());
        // Moderator: backchannel, initiate interactions, Q&A
        assertEquals(List.of("backchannel", "initiate_interactions", "qna"), Role.MODERATOR.permissionIds());
        assertEquals(List.of("Backchannel", "Initiate interactions", "Q&A"), Role.MODERATOR.permissionLabels());
    }

    @Test
    void permissionListsAreImmutable() {
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> Role.VIEWER.permissions().add(Role.Permission.BACKCHANNEL));
    }
}
