package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Every failure says exactly what happened and what to do": a manager's refused create or promote names the state
 * it was refused on, in the manager's terms (not the invitee's).
 */
class ManagerRefusalMessagesTest extends ServiceTest {

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    private static String message(Service.Response r) {
        return ((String) r.obj("error").get("message")).toLowerCase(Locale.ROOT);
    }

    private Service.Response promote(String room, String id, String role) {
        return service.call("POST", Manage.invite(room, id) + "/promote", service.token(Service.OWNER), Map.of("role", role));
    }

    @Test
    void promotingARevokedOrAnExpiredInviteSaysWhichItIs() {
        String room = Service.roomId("msg-promote");
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(4), true, List.of(), List.of(), List.of());
        service.settings(true, null, List.of(), 5);
        try {
            String revoked = Service.inviteId(service.invite(room, "revoked@example.org", "VIEWER"));
            String expired = Service.inviteId(service.invite(room, "expired@example.org", "VIEWER"));
            service.call("DELETE", Manage.invite(room, revoked), service.token(Service.OWNER), null).expect(200);
            service.advance(Duration.ofMinutes(6));

            String m1 = message(promote(room, revoked, "SPEAKER").expectError(409, "INVITE_NOT_ACTIVE"));
            assertTrue(m1.contains("revoked") && !m1.contains("expired"), m1);
            String m2 = message(promote(room, expired, "SPEAKER").expectError(409, "INVITE_NOT_ACTIVE"));
            assertTrue(m2.contains("expired") && !m2.contains("revoked"), m2);
        } finally {
            service.enableInvitations();
        }
    }

    @Test
    void anEndedSessionTellsTheManagerWhatCanNoLongerBeDone() {
        String room = Service.roomId("msg-ended");
        service.room(room, Duration.ofMinutes(-5), Duration.ofMinutes(30), true, List.of(), List.of(), List.of());
        String id = Service.inviteId(service.invite(room, "late@example.org", "VIEWER"));
        service.advance(Duration.ofMinutes(40));

        String create = message(service.call("POST", Manage.invites(room), service.token(Service.OWNER),
                Service.inviteBody("later@example.org", "VIEWER")).expectError(410, "SESSION_ENDED"));
        assertTrue(create.contains("session is over") && create.contains("invitations"), create);
        assertFalse(create.contains("no longer opens the room"), "the invitee's sentence, not the manager's: " + create);

        String promote = message(promote(room, id, "SPEAKER").expectError(410, "SESSION_ENDED"));
        assertTrue(promote.contains("session is over") && promote.contains("role"), promote);
    }
}
