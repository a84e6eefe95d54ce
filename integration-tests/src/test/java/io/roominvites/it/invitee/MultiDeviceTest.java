package io.roominvites.it.invitee;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.expectInvalid;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.number;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static io.roominvites.it.support.Concurrently.releaseAtOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-device links: the site's linkMaxDevices (1..50, default 1) and an invite's maxDevices (1..linkMaxDevices):
 * an invite binds up to that many distinct devices, each by a conditional write, never more under any race.
 */
class MultiDeviceTest extends ServiceTest {
    private static final int SITE_MAX = 3;

    @BeforeEach
    void linksForThreeDevices() {
        service.settingsWithMaxDevices(SITE_MAX);
    }

    private String openRoom(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(4), true, List.of(), List.of(), List.of());
        return room;
    }

    private Response create(String room, String email, Object maxDevices) {
        Map<String, Object> body = Service.inviteBody(email, "VIEWER");
        if (maxDevices != null) {
            body.put("maxDevices", maxDevices);
        }
        return service.call("POST", "/rooms/" + room + "/invites", service.token(Service.OWNER), body);
    }

    @Test
    void theSiteSettingIsFromOneToFiftyAndDefaultsToOne() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inviteToMediaEnabled", true);
        body.put("linkBaseUrl", "https://events.example.com/join");
        for (Object bad : List.of(0, 51, -1, 2.5, "three")) {
            body.put("linkMaxDevices", bad);
            expectInvalid(service.call("PUT", "/admin/settings", service.adminToken(), body), "linkMaxDevices");
        }
        body.remove("linkMaxDevices");
        assertEquals(1L, number(service.call("PUT", "/admin/settings", service.adminToken(), body).expect(200).json(),
                "linkMaxDevices"), "absent: the default, 1");
        body.put("linkMaxDevices", 50);
        assertEquals(50L, number(service.call("PUT", "/admin/settings", service.adminToken(), body).expect(200).json(),
                "linkMaxDevices"));
        assertEquals(50L, number(service.call("GET", "/admin/settings", service.adminToken(), null).expect(200).json(),
                "linkMaxDevices"));
        String room = openRoom("md-options");
        assertEquals(50L, number(service.call("GET", "/rooms/" + room + "/invite-options", service.token(Service.OWNER), null)
                .expect(200).json(), "linkMaxDevices"));
        service.settingsWithMaxDevices(1);
        expectInvalid(create(room, "two@example.org", 2), "maxDevices");
        assertEquals(1L, number(create(room, "one@example.org", null).expect(201).obj("invite"), "maxDevices"));
    }

    @Test
    void anInvitesMaxDevicesIsFromOneToTheSitesLinkMaxDevices() {
        String room = openRoom("md-create");
        for (Object bad : List.of(0, SITE_MAX + 1, 51, "two", 1.5)) {
            Response r = expectInvalid(create(room, "bad@example.org", bad), "maxDevices");
            if (bad.equals(SITE_MAX + 1)) {
                assertTrue(((String) r.body()).contains("linkMaxDevices"), r::toString);
            }
        }
        assertEquals(List.of(), Service.inviteBody("x@example.org", "VIEWER").keySet().stream()
                .filter("maxDevices"::equals).toList());
        Map<String, Object> invite = create(room, "three@example.org", SITE_MAX).expect(201).obj("invite");
        assertEquals((long) SITE_MAX, number(invite, "maxDevices"));
        assertEquals(List.of(), invite.get("devices"));
        assertEquals(1L, number(create(room, "default@example.org", null).expect(201).obj("invite"), "maxDevices"));
    }

    @Test
    void eachBoundDeviceReEntersAndTheNextOneIsRefused() {
        String room = openRoom("md-reenter");
        String email = "family@example.org";
        Response created = create(room, email, 2).expect(201);
        String token = Service.linkToken(created);
        expectEntered(redeem(service, token, "md-device-tv", email, null), "VIEWER");
        expectEntered(redeem(service, token, "md-device-phone", null, service.token(email)), "VIEWER");
        expectError(redeem(service, token, "md-device-tablet", email, null), 409, "LINK_ALREADY_USED");
        for (String device : List.of("md-device-tv", "md-device-phone", "md-device-tv")) {
            expectEntered(redeem(service, token, device, null, null), "VIEWER");
        }
        Map<String, Object> listed = listed(service, room, Service.inviteId(created));
        assertEquals(2, ((List<?>) listed.get("devices")).size());
        assertTrue(!listed.toString().contains("md-device"), "device ids are never shown: " + listed);
        assertEquals("REDEEMED", listed.get("status"));
    }

    @Test
    void fiftyDevicesRacingOnALinkOfThreeBindExactlyThreeTwentyTimesOver() {
        String room = openRoom("md-race");
        int rounds = 20;
        int racers = 50;
        for (int round = 0; round < rounds; round++) {
            String email = "crowd" + round + "@example.org";
            Response created = create(room, email, SITE_MAX).expect(201);
            String token = Service.linkToken(created);
            String bearer = service.token(email);
            List<Callable<Response>> tasks = new ArrayList<>();
            for (int d = 0; d < racers; d++) {
                String device = "md-race-" + round + "-device-" + d;
                boolean signedIn = d % 2 == 0;
                tasks.add(() -> redeem(service, token, device, signedIn ? null : email, signedIn ? bearer : null));
            }
            List<Response> answers = releaseAtOnce(tasks);
            Set<String> winners = new HashSet<>();
            for (int d = 0; d < racers; d++) {
                Response r = answers.get(d);
                if (r.status() == 200) {
                    expectEntered(r, "VIEWER");
                    winners.add("md-race-" + round + "-device-" + d);
                } else {
                    expectError(r, 409, "LINK_ALREADY_USED");
                }
            }
            assertEquals(SITE_MAX, winners.size(), "round " + round + ": exactly three devices bound");
            Set<String> bound = new HashSet<>();
            stored(service, room, Service.inviteId(created)).devices().forEach(dev -> bound.add(dev.id()));
            assertEquals(winners, bound, "round " + round + ": the winners are the bound devices");
            for (String w : winners) {
                expectEntered(redeem(service, token, w, null, null), "VIEWER");
            }
        }
    }
}
