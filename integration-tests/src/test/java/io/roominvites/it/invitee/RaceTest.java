package io.roominvites.it.invitee;

import com.nimbusds.jwt.JWTClaimsSet;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.number;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static io.roominvites.it.support.Concurrently.releaseAtOnce;
import static io.roominvites.it.support.Service.inviteId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Requests released at the same instant: the single conditional writes must decide every race exactly once. */
class RaceTest extends ServiceTest {
    private static final int DEVICES = 32;
    private static final int LINKS = 10;

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    @Test
    void thirtyTwoDevicesRedeemingOneLinkAtOnceMakeExactlyOneWinnerTenTimesOver() {
        String room = Service.roomId("race");
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(4), true, List.of(), List.of(), List.of());
        for (int link = 0; link < LINKS; link++) {
            String email = "racer" + link + "@example.org";
            Response created = service.invite(room, email, "VIEWER");
            String token = Service.linkToken(created);
            String bearer = service.token(email);
            List<String> devices = new ArrayList<>();
            List<Callable<Response>> tasks = new ArrayList<>();
            for (int d = 0; d < DEVICES; d++) {
                String device = "race-" + link + "-device-" + d;
                devices.add(device);
                boolean signedIn = d % 2 == 1; // half prove the email by a bearer token, half in the lobby
                tasks.add(() -> redeem(service, token, device, signedIn ? null : email, signedIn ? bearer : null));
            }
            List<Response> answers = releaseAtOnce(tasks);

            String winner = null;
            for (int d = 0; d < DEVICES; d++) {
                Response r = answers.get(d);
                if (r.status() == 200) {
                    if (winner != null) {
                        fail("link " + link + ": two winners, " + winner + " and " + devices.get(d));
                    }
                    winner = devices.get(d);
                    expectEntered(r, "VIEWER");
                    JWTClaimsSet claims = Invitee.verifyAccessToken(service, (String) r.json().get("accessToken"));
                    assertEquals(winner, claims.getClaim("device_id"));
                } else {
                    expectError(r, 409, "LINK_ALREADY_USED");
                }
            }
            assertNotNull(winner, "link " + link + ": exactly one device wins");

            Map<String, Object> listed = listed(service, room, inviteId(created));
            assertEquals("REDEEMED", listed.get("status"));
            assertNotNull(listed.get("redeemedAt"));
            assertEquals(winner, stored(service, room, inviteId(created)).deviceId(), "bound to the winner's device");
            expectEntered(redeem(service, token, winner, null, null), "VIEWER");
            for (String loser : devices.subList(0, 3)) {
                if (!loser.equals(winner)) {
                    expectError(redeem(service, token, loser, email, null), 409, "LINK_ALREADY_USED");
                }
            }
        }
    }

    @Test
    void oneDeviceRedeemingConcurrentlyAlwaysGetsIn() {
        Invited same = Invitee.openInvite(service, "race-same", "same@example.org", "SPEAKER");
        String token = same.token();
        List<Callable<Response>> tasks = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            tasks.add(() -> redeem(service, token, "race-same-device", "same@example.org", null));
        }
        Set<Object> jtis = new HashSet<>();
        for (Response r : releaseAtOnce(tasks)) {
            expectEntered(r, "SPEAKER");
            jtis.add(Invitee.verifyAccessToken(service, (String) r.json().get("accessToken")).getJWTID());
        }
        assertEquals(16, jtis.size(), "sixteen distinct tokens");
        assertEquals("race-same-device", stored(service, same).deviceId());
    }

    @Test
    void concurrentPromoteAndRevokeLeaveAConsistentRecord() {
        String room = Service.roomId("race-revoke");
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(4), true, List.of(), List.of(), List.of());
        String owner = service.token(Service.OWNER);
        int promotedFirst = 0;
        for (int i = 0; i < 20; i++) {
            String email = "pr" + i + "@example.org";
            Response created = service.invite(room, email, "VIEWER");
            String id = inviteId(created);
            String token = Service.linkToken(created);
            String device = "race-pr-device-" + i;
            boolean redeemed = i % 2 == 0; // a live invitee half the time, a pending invite the other half
            if (redeemed) {
                expectEntered(redeem(service, token, device, email, null), "VIEWER");
            }
            List<Callable<Response>> tasks = List.of(
                    () -> service.call("POST", "/rooms/" + room + "/invites/" + id + "/promote", owner,
                            Map.of("role", "MODERATOR")),
                    () -> service.call("DELETE", "/rooms/" + room + "/invites/" + id, owner, null));
            List<Response> answers = releaseAtOnce(tasks);
            Response promote = answers.get(0);
            Response revoke = answers.get(1).expect(200);
            assertEquals("REVOKED", revoke.obj("invite").get("status"), revoke::toString);

            Map<String, Object> finalState = listed(service, room, id);
            assertEquals("REVOKED", finalState.get("status"), "revoked, whatever the order");
            if (promote.status() == 200) {
                promotedFirst++;
                // the promotion happened before the revoke: the revoke saw (and kept) the new role
                assertEquals("VIEWER", promote.json().get("previousRole"));
                assertTrue(Set.of("PENDING", "REDEEMED").contains(promote.obj("invite").get("status")), promote::toString);
                assertEquals("MODERATOR", revoke.obj("invite").get("role"),
                        "a promote that succeeded must precede the revoke: " + revoke);
                assertEquals("MODERATOR", finalState.get("role"));
            } else {
                expectError(promote, 409, "INVITE_NOT_ACTIVE");
                assertEquals("VIEWER", revoke.obj("invite").get("role"));
                assertEquals("VIEWER", finalState.get("role"), "a refused promote changed nothing");
            }
            // whatever happened, nobody gets in any more, and nothing can be promoted after the revoke
            expectError(redeem(service, token, device, email, null), 410, "INVITE_REVOKED");
            expectError(service.call("POST", "/rooms/" + room + "/invites/" + id + "/promote", owner,
                    Map.of("role", "MODERATOR")), 409, "INVITE_NOT_ACTIVE");
        }
        System.out.println("promote/revoke race: promote first " + promotedFirst + " of 20");
    }

    /**
     * Four wrong emails can never lock an invite, so no answer may say INVITE_LOCKED, even when the right email
     * (or a revoke) lands between a wrong attempt's refused redeem and its counting write.
     */
    @Test
    void wrongEmailsRacingTheRightOneOrARevokeNeverClaimALock() {
        String room = Service.roomId("race-mixed");
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(4), true, List.of(), List.of(), List.of());
        String owner = service.token(Service.OWNER);
        Map<String, Integer> seen = new java.util.TreeMap<>();
        for (int round = 0; round < 30; round++) {
            String email = "mixed" + round + "@example.org";
            Response created = service.invite(room, email, "VIEWER");
            String token = Service.linkToken(created);
            String id = inviteId(created);
            boolean revoking = round % 2 == 1;
            String rightDevice = "race-mixed-right-" + round;
            List<Callable<Response>> tasks = new ArrayList<>();
            tasks.add(revoking
                    ? () -> service.call("DELETE", "/rooms/" + room + "/invites/" + id, owner, null)
                    : () -> redeem(service, token, rightDevice, email, null));
            for (int i = 0; i < 4; i++) {
                String device = "race-mixed-" + round + "-device-" + i;
                String wrong = "intruder" + i + "@example.org";
                tasks.add(() -> redeem(service, token, device, wrong, null));
            }
            List<Response> answers = releaseAtOnce(tasks);
            answers.get(0).expect(200);
            for (Response r : answers.subList(1, answers.size())) {
                String code = r.code();
                seen.merge(code, 1, Integer::sum);
                switch (code) {
                    case "EMAIL_MISMATCH" -> expectError(r, 403, code);
                    case "LINK_ALREADY_USED" -> {
                        assertTrue(!revoking, r::toString);
                        expectError(r, 409, code);
                    }
                    case "INVITE_REVOKED" -> {
                        assertTrue(revoking, r::toString);
                        expectError(r, 410, code);
                    }
                    default -> fail("round " + round + (revoking ? " (revoke)" : " (right email)")
                            + ": four wrong emails cannot lock an invite, yet: " + r + "; stored attempts "
                            + stored(service, room, id).failedEmailAttempts());
                }
            }
        }
        System.out.println("wrong emails racing the right one or a revoke: " + seen);
    }

    @Test
    void concurrentWrongEmailsNeverCountPastTheLock() {
        String room = Service.roomId("race-lock");
        service.room(room, Duration.ofMinutes(-5));
        for (int round = 0; round < 3; round++) {
            String email = "locked" + round + "@example.org";
            Response created = service.invite(room, email, "VIEWER");
            String token = Service.linkToken(created);
            List<Callable<Response>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String device = "race-lock-" + round + "-device-" + i;
                String wrong = "intruder" + i + "@example.org";
                tasks.add(() -> redeem(service, token, device, wrong, null));
            }
            int mismatches = 0;
            int locked = 0;
            Set<Long> attemptsLeft = new HashSet<>();
            for (Response r : releaseAtOnce(tasks)) {
                if (r.status() == 403) {
                    expectError(r, 403, "EMAIL_MISMATCH");
                    attemptsLeft.add(number(r.obj("error"), "attemptsLeft"));
                    mismatches++;
                } else {
                    expectError(r, 423, "INVITE_LOCKED");
                    locked++;
                }
            }
            assertEquals(5, mismatches, "exactly five wrong emails were counted");
            assertEquals(11, locked);
            assertEquals(Set.of(0L, 1L, 2L, 3L, 4L), attemptsLeft, "each counted attempt saw its own count");
            expectError(redeem(service, token, "race-lock-right", email, null), 423, "INVITE_LOCKED");
            expectError(redeem(service, token, "race-lock-right", null, service.token(email)), 423, "INVITE_LOCKED");
            assertEquals(5, stored(service, room, inviteId(created)).failedEmailAttempts());
            assertEquals("PENDING", listed(service, room, inviteId(created)).get("status"));
        }
    }
}
