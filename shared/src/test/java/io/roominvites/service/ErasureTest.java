package io.roominvites.service;

import io.roominvites.domain.Emails;
import io.roominvites.testkit.Answer;
import io.roominvites.testkit.CrashingStore;
import io.roominvites.testkit.InProcessService;
import io.roominvites.testkit.InProcessService.Invited;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.roominvites.testkit.InProcessService.LAPTOP;
import static io.roominvites.testkit.InProcessService.OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /admin/erasures} and its job (contract v3): every invite of the address in every room erased (revoked
 * where active, email and names gone, {@code erased: true}), the directory entry and the Idempotency-Key records gone,
 * each invite counted once; the same address again while it runs answers that erasure; a crash after any step,
 * then the same request again or the job delivered again, ends in the same state as no crash.
 */
class ErasureTest {
    /** As a person types it: the erasure normalises it as invites do. */
    static final String PERSON = "Erin.Doe@Example.org";
    static final String ADDRESS = "erin.doe@example.org";
    static final String OTHER = "keep.me@example.org";
    static final List<String> ROOMS = List.of("er-a", "er-b", "er-c");

    /** What a scenario seeded: the person's three invites (pending, redeemed, revoked) and another person's. */
    record Seeded(Invited pending, Invited redeemed, Invited revoked, Invited other) {
        List<Invited> persons() {
            return List.of(pending, redeemed, revoked);
        }
    }

    static Seeded seed(InProcessService s) {
        s.enableInvitations();
        for (String room : ROOMS) {
            s.room(room, Duration.ofMinutes(-10));
        }
        Invited pending = new Invited(s.call("POST", "/rooms/er-a/invites", s.token(OWNER),
                InProcessService.inviteBody(PERSON, "VIEWER"), Map.of("Idempotency-Key", "erin-1")).expect(201));
        Invited redeemed = s.invite("er-b", ADDRESS, "SPEAKER");
        s.redeem(redeemed.token(), LAPTOP, ADDRESS, null).expect(200);
        Invited revoked = s.invite("er-c", ADDRESS, "VIEWER");
        s.revoke(revoked, OWNER).expect(200);
        Invited other = s.invite("er-a", OTHER, "VIEWER");
        s.call("PUT", "/admin/users/" + ADDRESS, s.adminToken(), Map.of("firstName", "Erin", "lastName", "Doe")).expect(200);
        return new Seeded(pending, redeemed, revoked, other);
    }

    static Answer erase(InProcessService s, String email) {
        return s.call("POST", "/admin/erasures", s.adminToken(), Map.of("email", email));
    }

    static Map<String, Object> erasure(InProcessService s, String id) {
        return s.call("GET", "/admin/erasures/" + id, s.adminToken(), null).expect(200).json();
    }

    static Map<String, Object> listed(InProcessService s, Invited invite) {
        for (Map<String, Object> i : s.call("GET", "/rooms/" + invite.roomId() + "/invites", s.token(OWNER), null)
                .expect(200).list("invites")) {
            if (invite.id().equals(i.get("inviteId"))) {
                return i;
            }
        }
        throw new AssertionError("not listed: " + invite.id());
    }

    @Test
    void everyInviteOfTheAddressInEveryRoomIsErasedOnceAndItsLinksAnswerRevoked() {
        InProcessService s = new InProcessService();
        Seeded seeded = seed(s);
        Answer started = erase(s, PERSON).expect(202);
        assertEquals("RUNNING", started.text("status"));
        assertEquals(ADDRESS, started.text("email"));
        String id = started.text("erasureId");
        assertEquals("RUNNING", erasure(s, id).get("status"), "nothing runs before the job does");

        assertEquals(1, s.runErasureJobs());
        Map<String, Object> done = erasure(s, id);
        assertEquals("DONE", done.get("status"));
        assertEquals(3L, done.get("invitesErased"));
        assertEquals(3L, done.get("roomsTouched"));
        assertNotNull(done.get("startedAt"));
        assertNotNull(done.get("finishedAt"));
        assertFalse(done.containsKey("email"), "the erasure keeps no address: " + done);

        for (Invited i : seeded.persons()) {
            Map<String, Object> view = listed(s, i);
            assertNull(view.get("email"));
            assertNull(view.get("firstName"));
            assertNull(view.get("lastName"));
            assertEquals(true, view.get("erased"));
            assertEquals("REVOKED", view.get("status"), "revoked where it was active: " + view);
            s.preview(i.token(), LAPTOP, null).error(410, "INVITE_REVOKED");
            s.redeem(i.token(), LAPTOP, ADDRESS, null).error(410, "INVITE_REVOKED");
        }
        Map<String, Object> kept = listed(s, seeded.other());
        assertEquals(OTHER, kept.get("email"));
        assertEquals(false, kept.get("erased"));
        assertEquals("PENDING", kept.get("status"));

        // nothing is left that holds the address: no invite, no Idempotency-Key record, no directory entry
        assertEquals(List.of(), s.store.holders(Emails.erasureKey(ADDRESS), 100, null).holders());
        assertEquals(List.of(), s.call("GET", "/rooms/er-a/invitee-suggestions?q=erin", s.token(OWNER), null)
                .expect(200).list("users"));
        // the key's record is gone with it: the same key makes a new invite (no replay of an erased one)
        Answer again = s.call("POST", "/rooms/er-a/invites", s.token(OWNER), InProcessService.inviteBody(PERSON, "VIEWER"),
                Map.of("Idempotency-Key", "erin-1")).expect(201);
        assertFalse(seeded.pending().id().equals(again.text("invite.inviteId")));
    }

    @Test
    void theRequestsToJoinAndTheGuestUsesOfTheAddressAreClearedAndTheUseStillCounts() {
        InProcessService s = new InProcessService();
        Seeded seeded = seed(s);
        // the redeemed link tried on another device: the person asks to be let in
        s.redeem(seeded.redeemed().token(), "phone-000002", ADDRESS, null).error(409, "LINK_ALREADY_USED");
        String request = s.call("POST", "/invites/join-requests", null, Map.of("token", seeded.redeemed().token(),
                "email", PERSON, "message", "Erin here, my laptop broke")).expect(202).text("joinRequestId");
        // and enters a guest link with the address
        String link = s.call("POST", "/rooms/er-a/guest-links", s.token(OWNER), Map.of("label", "Walk-ins", "maxUses", 3))
                .expect(201).text("link");
        Map<String, Object> guest = new LinkedHashMap<>(Map.of("token", link.substring(link.indexOf("#guest=") + 7),
                "deviceId", "guest-device-01", "firstName", "Eri", "lastName", "Dee", "email", PERSON));
        s.call("POST", "/guest/redeem", null, guest).expect(200);
        assertEquals(6, s.store.holders(Emails.erasureKey(ADDRESS), 100, null).holders().size(),
                "three invites, the key's record, the request and the guest's use: "
                        + s.store.holders(Emails.erasureKey(ADDRESS), 100, null).holders());

        erase(s, PERSON).expect(202);
        assertEquals(1, s.runErasureJobs());

        assertEquals(List.of(), s.store.holders(Emails.erasureKey(ADDRESS), 100, null).holders());
        assertEquals(List.of(), s.call("GET", "/rooms/er-b/join-requests", s.token(OWNER), null).expect(200)
                .list("joinRequests"));
        s.call("POST", "/rooms/er-b/join-requests/" + request + "/admit", s.token(OWNER), null)
                .error(404, "JOIN_REQUEST_NOT_FOUND");
        // the guest keeps the use: it still counts, and the same device enters again without taking another
        assertEquals(2L, ((Number) s.call("GET", "/rooms/er-a/guest-links", s.token(OWNER), null).expect(200)
                .list("guestLinks").getFirst().get("usesLeft")).longValue());
        guest.remove("email");
        s.call("POST", "/guest/redeem", null, guest).expect(200);
        assertEquals(2L, ((Number) s.call("GET", "/rooms/er-a/guest-links", s.token(OWNER), null).expect(200)
                .list("guestLinks").getFirst().get("usesLeft")).longValue());
    }

    @Test
    void anErasedInviteCannotBeResentReissuedPromotedOrReleased() {
        InProcessService s = new InProcessService();
        s.settings(Map.of("emailTemplateName", "invite-email"));
        Seeded seeded = seed(s);
        erase(s, ADDRESS).expect(202);
        s.runErasureJobs();
        s.manage(seeded.pending(), "resend", null).error(409, "INVITE_NOT_ACTIVE");
        s.manage(seeded.pending(), "reissue", Map.of()).error(409, "INVITE_NOT_ACTIVE");
        s.manage(seeded.redeemed(), "promote", Map.of("role", "MODERATOR")).error(409, "INVITE_NOT_ACTIVE");
        s.manage(seeded.redeemed(), "release-device", null).error(409, "INVITE_NOT_ACTIVE");
    }

    @Test
    void theSameAddressWhileItRunsAnswersThatErasureAndErasingTwiceIsHarmless() {
        InProcessService s = new InProcessService();
        seed(s);
        String first = erase(s, PERSON).expect(202).text("erasureId");
        assertEquals(first, erase(s, ADDRESS).expect(202).text("erasureId"), "one erasure per address at a time");
        assertEquals(2, s.runErasureJobs(), "each request hands the job over (a stalled one resumes)");
        Map<String, Object> done = erasure(s, first);
        assertEquals(3L, done.get("invitesErased"), "counted once, however often the job ran");

        String second = erase(s, ADDRESS).expect(202).text("erasureId");
        assertFalse(first.equals(second), "a finished erasure does not answer a new request");
        s.runErasureJobs();
        Map<String, Object> nothing = erasure(s, second);
        assertEquals("DONE", nothing.get("status"));
        assertEquals(0L, nothing.get("invitesErased"));
        assertEquals(3L, erasure(s, first).get("invitesErased"));
    }

    @Test
    void onlySiteAdminsEraseAndBadInputGetsTheContractsErrors() {
        InProcessService s = new InProcessService();
        seed(s);
        s.call("POST", "/admin/erasures", s.token(OWNER), Map.of("email", ADDRESS)).error(403, "FORBIDDEN");
        assertEquals(List.of("email"), erase(s, "not-an-address").invalidFields());
        assertEquals(List.of("email"), s.call("POST", "/admin/erasures", s.adminToken(), Map.of()).invalidFields());
        s.call("GET", "/admin/erasures/01JAAAAAAAAAAAAAAAAAAAAAAA", s.adminToken(), null).error(404, "ERASURE_NOT_FOUND");
        s.call("GET", "/admin/erasures/01JAAAAAAAAAAAAAAAAAAAAAAA", s.token(OWNER), null).error(403, "FORBIDDEN");
        assertTrue(s.erasureJobs.isEmpty(), "no refused request started anything");
    }

    // ------------------------------------------------------------------ a crash after each step, then resumed

    /** Every step of the request and of the job: the store's calls, and handing the job to the queue. */
    static Stream<String> steps() {
        return Stream.of("removeUser", "startErasure", "enqueue", "holders", "findInvites", "scrubHistory",
                "eraseInvite", "deleteKeyRecord", "finishErasure");
    }

    /** The end state a person and an auditor see: every invite as listed, the erasure's counts, what holds the address. */
    static Map<String, Object> endState(InProcessService s, Seeded seeded, String erasureId) {
        Map<String, Object> out = new TreeMap<>();
        for (Invited i : List.of(seeded.pending(), seeded.redeemed(), seeded.revoked(), seeded.other())) {
            out.put(i.id(), listed(s, i));
        }
        Map<String, Object> e = new LinkedHashMap<>(erasure(s, erasureId));
        e.remove("erasureId");
        e.remove("startedAt");
        e.remove("finishedAt");
        out.put("erasure", e);
        out.put("holders", s.store.holders(Emails.erasureKey(ADDRESS), 100, null).holders());
        out.put("directory", s.call("GET", "/rooms/er-a/invitee-suggestions?q=erin", s.token(OWNER), null).expect(200)
                .list("users"));
        return out;
    }

    @ParameterizedTest
    @MethodSource("steps")
    void aCrashAfterAnyStepThenResumedEndsAsWithoutACrash(String step) {
        InProcessService plain = new InProcessService();
        Seeded seededPlain = seed(plain);
        String plainId = erase(plain, PERSON).expect(202).text("erasureId");
        plain.runErasureJobs();
        Map<String, Object> expected = endState(plain, seededPlain, plainId);

        for (int nth = 1; nth <= 2; nth++) {
            // the queue's enqueue is not the store's: that step crashes in InProcessService#afterEnqueue
            CrashingStore crash = new CrashingStore(step, nth);
            InProcessService crashing = new InProcessService(crash::wrap);
            crashing.afterEnqueue = () -> crash.after("enqueue");
            Seeded seeded = seed(crashing);
            crash.arm();
            List<String> jobs = new ArrayList<>();
            Answer first = erase(crashing, PERSON);
            String id = first.status() == 202 ? first.text("erasureId") : null;
            if (id == null) {
                assertEquals(500, first.status(), "a crash is a failed request: " + first);
                id = erase(crashing, PERSON).expect(202).text("erasureId"); // the administrator asks again
            }
            // the queue delivers a job again when its run failed
            for (int runs = 0; !crashing.erasureJobs.isEmpty() && runs < 20; runs++) {
                String job = crashing.erasureJobs.poll();
                jobs.add(job);
                try {
                    crashing.app().erasures().run(job);
                } catch (RuntimeException e) {
                    assertEquals("injected crash after " + step, rootMessage(e));
                    crashing.erasureJobs.add(job);
                }
            }
            // (a step called once has no second call to crash after: that run is a run without a crash)
            assertTrue(crash.calls() >= 1, step + " was never called");
            assertEquals(expected, endState(crashing, seeded, id), "after a crash after " + step + " #" + nth
                    + " (runs: " + jobs.size() + ")");
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }
}
