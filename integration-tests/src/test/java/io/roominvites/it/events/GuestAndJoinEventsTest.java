package io.roominvites.it.events;

import io.roominvites.email.EmailGateway;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Response;
import io.roominvites.local.MemoryEventPublisher;
import io.roominvites.testing.EmulatorBackend;
import io.roominvites.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The events of guest links and requests to join, end to end on DynamoDB Local's stream (the local runner's consumer,
 * the deployed relay): Guest Link Created, Guest Joined once per new device, Guest Link Revoked, Join Requested,
 * Join Admitted and Join Declined, with no address unmasked; a request made with an invite's link is in its history.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestAndJoinEventsTest {
    private Service service;
    private MemoryEventPublisher bus;

    @BeforeAll
    void start() {
        service = new Service(EmulatorBackend.shared(), EmailGateway.NONE, true);
        bus = service.services().events().publisher();
        service.enableInvitations();
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    /** The room's guest link and join request events, once at least {@code atLeast} arrived (and a moment more). */
    private List<LifecycleEvent> of(String roomId, int atLeast) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (published(roomId).size() < atLeast && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300); // nothing more may arrive after
        return published(roomId);
    }

    private List<LifecycleEvent> published(String roomId) {
        List<LifecycleEvent> out = new ArrayList<>();
        for (MemoryEventPublisher.Published p : bus.events()) {
            LifecycleEvent e = p.event();
            String type = e.type().name();
            if (roomId.equals(e.roomId()) && (type.startsWith("GUEST_") || type.startsWith("JOIN_"))) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void guestLinksAndRequestsToJoinAreToldAndKeptInTheInvitesHistory() throws Exception {
        String room = Service.roomId("events");
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(3), true, List.of(), List.of(), List.of());
        String owner = service.token(Service.OWNER);
        Response created = service.call("POST", "/rooms/" + room + "/guest-links", owner,
                Map.of("label", "Audience", "maxUses", 2)).expect(201);
        String link = (String) created.json().get("link");
        String token = link.substring(link.indexOf("#guest=") + 7);
        String guestLinkId = (String) created.obj("guestLink").get("guestLinkId");
        for (String device : List.of("events-device-1", "events-device-2", "events-device-1")) {
            service.call("POST", "/guest/redeem", null, Map.of("token", token, "deviceId", device, "firstName", "Gus",
                    "lastName", "Guest", "email", "gus@example.org")).expect(200);
        }
        service.call("DELETE", "/rooms/" + room + "/guest-links/" + guestLinkId, owner, null).expect(200);

        Service.Invited used = service.redeemedInvite(room, "ivy@example.org", "VIEWER", "ivy-laptop-01");
        String asked = (String) service.call("POST", "/invites/join-requests", null,
                Map.of("token", used.token(), "email", "ivy@example.org")).expect(202).json().get("joinRequestId");
        service.call("POST", "/rooms/" + room + "/join-requests/" + asked + "/admit", owner, Map.of()).expect(200);
        Service.Invited other = service.redeemedInvite(room, "oz@example.org", "VIEWER", "oz-laptop-01");
        String declined = (String) service.call("POST", "/invites/join-requests", null,
                Map.of("token", other.token(), "email", "oz@example.org")).expect(202).json().get("joinRequestId");
        service.call("POST", "/rooms/" + room + "/join-requests/" + declined + "/decline", owner, null).expect(200);

        List<LifecycleEvent> events = of(room, 8);
        List<String> types = events.stream().map(e -> e.type().detailType()).sorted().toList();
        assertEquals(List.of("Guest Joined", "Guest Joined", "Guest Link Created", "Guest Link Revoked", "Join Admitted",
                "Join Declined", "Join Requested", "Join Requested"), types);
        for (LifecycleEvent e : events) {
            String detail = Json.write(e.detail());
            assertFalse(detail.contains("gus@example.org") || detail.contains("ivy@example.org")
                    || detail.contains("owner@example.com"), "no address unmasked: " + detail);
            assertFalse(detail.contains("events-device"), "no device id: " + detail);
        }
        assertTrue(events.stream().anyMatch(e -> e.type().detailType().equals("Guest Joined")
                && String.valueOf(e.detail()).contains("g***@example.org")), "the guest's email masked");
        // the request made with Ivy's link is in her invite's history
        long deadline = System.currentTimeMillis() + 10_000;
        List<String> history;
        do {
            history = service.call("GET", "/rooms/" + room + "/invites/" + used.id() + "/history", owner, null).expect(200)
                    .list("events").stream().map(h -> (String) h.get("type")).toList();
            if (history.contains("Join Admitted")) {
                break;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        assertEquals(List.of("Invite Created", "Invite Redeemed", "Join Requested", "Join Admitted"), history);
    }
}
