package io.roominvites.it.invitee;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.number;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static io.roominvites.it.support.Concurrently.releaseAtOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A manager's reissue or release racing an invitee's redeem: whichever write lands first, the other is decided again
 * on what it wrote, so the outcome is always one of the two orders, never a mix.
 */
class ManagerRaceTest extends ServiceTest {
    private static final int ROUNDS = 20;

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    private String openRoom(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(4), true, List.of(), List.of(), List.of());
        return room;
    }

    @Test
    void aReissueRacingARedeemOfTheOldLinkIsOneOrderOrTheOther() {
        String room = openRoom("race-reissue");
        Map<String, Integer> orders = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            String email = "reissue-race" + round + "@example.org";
            Invited invited = new Invited(room, service.invite(room, email, "VIEWER"));
            String device = "race-reissue-device-" + round;
            if (round % 2 == 0) {
                Invitee.preview(service, invited.token(), device, null).expect(200); // a container that read it before
            }
            List<Callable<Response>> tasks = List.of(
                    () -> service.manage(room, invited.id(), "reissue", Map.of()),
                    () -> redeem(service, invited.token(), device, email, null));
            List<Response> answers = releaseAtOnce(tasks);
            Response reissue = answers.get(0);
            Response redeem = answers.get(1);
            if (reissue.status() == 200) {
                orders.merge("reissue first", 1, Integer::sum);
                expectError(redeem, 410, "LINK_REPLACED");
                assertEquals("PENDING", listed(service, invited).get("status"));
                assertEquals(List.of(), stored(service, invited).devices(), "the old link bound nothing");
                String fresh = Service.linkToken(reissue);
                expectEntered(redeem(service, fresh, device, email, null), "VIEWER");
            } else {
                orders.merge("redeem first", 1, Integer::sum);
                expectEntered(redeem, "VIEWER");
                expectError(reissue, 409, "INVITE_NOT_ACTIVE");
                assertEquals(1L, number(listed(service, invited), "linkVersion"), "the refused reissue changed nothing");
                expectEntered(redeem(service, invited.token(), device, null, null), "VIEWER");
            }
            // either way one device holds it now, and no other gets in with the link that works
            String working = reissue.status() == 200 ? Service.linkToken(reissue) : invited.token();
            expectError(redeem(service, working, "race-reissue-other-" + round, email, null), 409, "LINK_ALREADY_USED");
        }
        System.out.println("reissue vs redeem: " + orders);
    }

    @Test
    void aReleaseRacingANewDevicesRedeemIsOneOrderOrTheOther() {
        String room = openRoom("race-release");
        Map<String, Integer> orders = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            String email = "release-race" + round + "@example.org";
            String first = "race-release-first-" + round;
            String second = "race-release-second-" + round;
            Invited invited = service.redeemedInvite(room, email, "VIEWER", first);
            List<Callable<Response>> tasks = List.of(
                    () -> service.manage(room, invited.id(), "release-device", null),
                    () -> redeem(service, invited.token(), second, email, null));
            List<Response> answers = releaseAtOnce(tasks);
            Response release = answers.get(0).expect(200);
            Response redeem = answers.get(1);
            List<String> bound = stored(service, invited).devices().stream().map(d -> d.id()).toList();
            if (redeem.status() == 200) {
                orders.merge("release first", 1, Integer::sum);
                expectEntered(redeem, "VIEWER");
                assertEquals(List.of(), release.obj("invite").get("devices"));
                assertEquals(List.of(second), bound, "released, then the new device bound");
                expectError(redeem(service, invited.token(), first, email, null), 409, "LINK_ALREADY_USED");
            } else {
                orders.merge("redeem first", 1, Integer::sum);
                expectError(redeem, 409, "LINK_ALREADY_USED");
                assertEquals(List.of(), bound, "the refused device bound nothing, then the release freed the first");
                expectEntered(redeem(service, invited.token(), second, email, null), "VIEWER");
            }
        }
        System.out.println("release vs redeem: " + orders);
    }

    @Test
    void aLockedInviteCannotBePromotedButAReissuedOneCan() {
        String room = openRoom("race-locked");
        Invited invited = new Invited(room, service.invite(room, "locked-promote@example.org", "VIEWER"));
        for (int i = 0; i < 5; i++) {
            expectError(redeem(service, invited.token(), "race-locked-" + i, "nope" + i + "@example.org", null), 403,
                    "EMAIL_MISMATCH");
        }
        Response refused = expectError(service.manage(room, invited.id(), "promote", Map.of("role", "SPEAKER")), 409,
                "INVITE_NOT_ACTIVE");
        assertTrue(((String) refused.obj("error").get("message")).contains("locked"), refused::toString);
        assertEquals("VIEWER", listed(service, invited).get("role"));
        service.manage(room, invited.id(), "reissue", Map.of()).expect(200);
        assertEquals("SPEAKER", service.manage(room, invited.id(), "promote", Map.of("role", "SPEAKER")).expect(200)
                .obj("invite").get("role"));
    }

    @Test
    void concurrentReissuesEachIssueTheirOwnVersionAndOnlyTheLastLinkWorks() {
        String room = openRoom("race-reissues");
        String email = "many-links@example.org";
        Invited invited = new Invited(room, service.invite(room, email, "VIEWER"));
        List<Callable<Response>> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(() -> service.manage(room, invited.id(), "reissue", Map.of()));
        }
        // each reissue writes a version of its own (a racing one decides again on the state it lost to); whatever the
        // order, every version from 2 to the last is answered, and only the last one's link works
        List<Long> versions = new java.util.ArrayList<>();
        Map<Long, String> links = new java.util.TreeMap<>();
        for (Response r : releaseAtOnce(tasks)) {
            r.expect(200);
            long v = number(r.obj("invite"), "linkVersion");
            versions.add(v);
            links.put(v, Service.linkToken(r));
        }
        assertTrue(versions.stream().allMatch(v -> v >= 2 && v <= 5), "versions: " + versions);
        long last = java.util.Collections.max(versions);
        assertEquals(last - 1, links.size(), "every version between 2 and the last was answered: " + versions);
        String latest = links.get(last);
        for (Map.Entry<Long, String> e : links.entrySet()) {
            if (e.getKey() != last) {
                expectError(Invitee.preview(service, e.getValue(), null, null), 410, "LINK_REPLACED");
            }
        }
        expectEntered(redeem(service, latest, "race-reissues-device", email, null), "VIEWER");
    }
}
