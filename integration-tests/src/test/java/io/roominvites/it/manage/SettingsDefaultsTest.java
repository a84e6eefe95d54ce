package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A site whose administrator never saved settings: invitations are off. No test of this class saves settings. */
class SettingsDefaultsTest extends ServiceTest {
    private static final String ROOM = "defaults-room";

    @Override
    protected void afterStart() {
        service.room(ROOM, Duration.ofDays(1));
    }

    @Test
    void getSettingsAnswersTheDefaultsBeforeAnyPut() {
        Service.Response r = service.call("GET", "/admin/settings", service.adminToken(), null).expect(200);
        Map<String, Object> s = r.json();
        assertEquals(false, s.get("inviteToMediaEnabled"));
        assertTrue(s.containsKey("emailTemplateName"));
        assertNull(s.get("emailTemplateName"));
        assertEquals(List.of(), s.get("blockedDomains"));
        assertEquals(1440L, ((Number) s.get("linkTtlMinutes")).longValue());
        assertTrue(s.containsKey("linkBaseUrl"));
        assertNull(s.get("linkBaseUrl"));
    }

    @Test
    void managersSeeTheFeatureDisabled() {
        Service.Response r = service.call("GET", "/rooms/" + ROOM + "/invite-options", service.token(Service.OWNER), null)
                .expect(200);
        assertEquals(false, r.json().get("canInvite"));
        assertEquals(List.of("FEATURE_DISABLED"), r.json().get("reasons"));
        assertEquals(false, r.json().get("sendEmailAvailable"));
        assertEquals(1440L, ((Number) r.json().get("linkTtlMinutes")).longValue());
    }

    @Test
    void creatingIsRefusedAndWritesNothing() {
        Service.Response r = Manage.refusedWithoutWrites(service, ROOM, () -> service.call("POST", Manage.invites(ROOM),
                service.token(Service.OWNER), Service.inviteBody("guest@example.org", "VIEWER")));
        r.expectError(403, "FEATURE_DISABLED");
    }
}
