package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.roominvites.it.manage.Manage.CO_EDITOR;
import static io.roominvites.it.manage.Manage.CO_OWNER;
import static io.roominvites.it.manage.Manage.CO_PUBLISHER;
import static io.roominvites.it.manage.Manage.STRANGER;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Only the room's owner, co-owners, co-editors and co-publishers may manage its invitations. */
class WhoMayInviteTest extends ServiceTest {
    private static final String ROOM = "who-room";
    private static final String OTHER_ROOM = "who-other";
    private String inviteId;

    @Override
    protected void afterStart() {
        service.enableInvitations();
        service.room(ROOM, Duration.ofDays(1), Duration.ofHours(1), true,
                List.of("Co.Owner@Example.com"), List.of(CO_EDITOR), List.of(CO_PUBLISHER));
        service.call("PUT", "/admin/rooms/" + OTHER_ROOM, service.adminToken(), Map.of(
                "title", "Other", "startsAt", service.clock().instant().plus(Duration.ofDays(1)).toString(),
                "endsAt", service.clock().instant().plus(Duration.ofDays(1).plusHours(1)).toString(),
                "chatAndCollaborationEnabled", true, "owner", STRANGER)).expect(200);
        inviteId = Service.inviteId(service.invite(ROOM, "first@example.org", "VIEWER"));
    }

    private Service.Response create(String bearer, String email) {
        return service.call("POST", Manage.invites(ROOM), bearer, Service.inviteBody(email, "VIEWER"));
    }

    @Test
    void everyKindOfManagerMayInvite() {
        int n = 0;
        for (String manager : List.of(Service.OWNER, CO_OWNER, CO_EDITOR, CO_PUBLISHER)) {
            Service.Response r = create(service.token(manager), "guest" + (n++) + "@example.org").expect(201);
            assertEquals(manager, r.obj("invite").get("createdBy"));
            assertEquals("PENDING", r.obj("invite").get("status"));
            service.call("GET", "/rooms/" + ROOM + "/invite-options", service.token(manager), null).expect(200);
            service.call("GET", Manage.invites(ROOM), service.token(manager), null).expect(200);
        }
    }

    @Test
    void managerEmailsAreComparedCaseInsensitively() {
        Service.Response r = create(service.token("OWNER@EXAMPLE.COM"), "case1@example.org").expect(201);
        assertEquals(Service.OWNER, r.obj("invite").get("createdBy"));
        // the co-owner was stored as Co.Owner@Example.com
        create(service.token("co.owner@example.com"), "case2@example.org").expect(201);
        create(service.token(" Co.Publisher@EXAMPLE.com "), "case3@example.org").expect(201);
    }

    @Test
    void anyOtherSignedInUserIsNotARoomManager() {
        String stranger = service.token("Guest@Example.org");
        Manage.refusedWithoutWrites(service, ROOM, () -> create(stranger, "x@example.org"))
                .expectError(403, "NOT_ROOM_MANAGER");
        // the owner of another room manages only that room
        Manage.refusedWithoutWrites(service, ROOM, () -> create(service.token(STRANGER), "x@example.org"))
                .expectError(403, "NOT_ROOM_MANAGER");
        service.call("POST", Manage.invites(OTHER_ROOM), service.token(Service.OWNER), Service.inviteBody("x@example.org", "VIEWER"))
                .expectError(403, "NOT_ROOM_MANAGER");
    }

    @Test
    void aSiteAdminWhoIsNotAManagerMayNotInvite() {
        Manage.refusedWithoutWrites(service, ROOM, () -> create(service.adminToken(), "x@example.org"))
                .expectError(403, "NOT_ROOM_MANAGER");
        service.call("GET", Manage.invites(ROOM), service.adminToken(), null).expectError(403, "NOT_ROOM_MANAGER");
    }

    @Test
    void noTokenOrABadTokenIsUnauthenticated() {
        Manage.refusedWithoutWrites(service, ROOM, () -> create(null, "x@example.org")).expectError(401, "UNAUTHENTICATED");
        Manage.refusedWithoutWrites(service, ROOM, () -> create("garbage", "x@example.org")).expectError(401, "UNAUTHENTICATED");
    }

    @Test
    void everyManagerRouteChecksTheCaller() {
        Map<String, Object[]> routes = new java.util.LinkedHashMap<>();
        routes.put("options", new Object[]{"GET", "/rooms/" + ROOM + "/invite-options", null});
        routes.put("suggestions", new Object[]{"GET", "/rooms/" + ROOM + "/invitee-suggestions?q=a", null});
        routes.put("create", new Object[]{"POST", Manage.invites(ROOM), Service.inviteBody("y@example.org", "VIEWER")});
        routes.put("list", new Object[]{"GET", Manage.invites(ROOM), null});
        routes.put("revoke", new Object[]{"DELETE", Manage.invite(ROOM, inviteId), null});
        routes.put("promote", new Object[]{"POST", Manage.invite(ROOM, inviteId) + "/promote", Map.of("role", "SPEAKER")});
        routes.put("resend", new Object[]{"POST", Manage.invite(ROOM, inviteId) + "/resend", null});
        for (Map.Entry<String, Object[]> e : routes.entrySet()) {
            Object[] r = e.getValue();
            String method = (String) r[0];
            String path = (String) r[1];
            try {
                service.call(method, path, null, r[2]).expectError(401, "UNAUTHENTICATED");
                service.call(method, path, "x.y.z", r[2]).expectError(401, "UNAUTHENTICATED");
                service.call(method, path, service.token(STRANGER), r[2]).expectError(403, "NOT_ROOM_MANAGER");
                service.call(method, path, service.adminToken(), r[2]).expectError(403, "NOT_ROOM_MANAGER");
            } catch (AssertionError err) {
                throw new AssertionError(e.getKey() + ": " + err.getMessage(), err);
            }
        }
        // the invite they tried to revoke and promote is untouched
        Map<String, Object> invite = service.listed(ROOM, inviteId);
        assertEquals("PENDING", invite.get("status"));
        assertEquals("VIEWER", invite.get("role"));
    }

    @Test
    void removingAManagerFromTheRoomTakesTheirRightAway() {
        String room = Service.roomId("who-removed");
        service.room(room, Duration.ofDays(1), Duration.ofHours(1), true, List.of("leaving@example.com"), List.of(), List.of());
        service.call("POST", Manage.invites(room), service.token("leaving@example.com"), Service.inviteBody("a@example.org", "VIEWER"))
                .expect(201);
        service.room(room, Duration.ofDays(1), Duration.ofHours(1), true, List.of(), List.of(), List.of());
        service.call("POST", Manage.invites(room), service.token("leaving@example.com"), Service.inviteBody("b@example.org", "VIEWER"))
                .expectError(403, "NOT_ROOM_MANAGER");
    }

    @Test
    void unknownRoomsAreNotFound() {
        String unknown = Service.roomId("who-unknown");
        service.call("POST", Manage.invites(unknown), service.token(Service.OWNER), Service.inviteBody("a@example.org", "VIEWER"))
                .expectError(404, "ROOM_NOT_FOUND");
        service.call("GET", "/rooms/" + unknown + "/invite-options", service.token(Service.OWNER), null)
                .expectError(404, "ROOM_NOT_FOUND");
    }
}
