package io.roominvites.it.erasure;

import io.roominvites.domain.Emails;
import io.roominvites.email.EmailGateway;
import io.roominvites.it.support.Service;
import io.roominvites.testkit.CrashingStore;
import io.roominvites.testing.EmulatorBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An erasure on DynamoDB Local that crashes right after one of its store steps has done its work (the first time
 * that step runs), then is resumed as in AWS: the same request again when the request crashed, the queue's
 * redelivery when the job did. It ends as an erasure without a crash ends: every invite erased and counted once, the
 * directory entry, the key's record and the request to join gone, the guest's use without a name, nothing left that
 * holds the address.
 */
class ErasureCrashTest {
    private static final String PERSON = "crash.case@example.net";

    @ParameterizedTest
    @ValueSource(strings = {"removeUser", "startErasure", "holders", "findInvites", "scrubHistory", "eraseInvite",
            "deleteKeyRecord", "deleteJoinRequest", "scrubGuestUse", "finishErasure"})
    void aCrashAfterAStepIsResumedToTheSameEnd(String step) throws Exception {
        CrashingStore crash = new CrashingStore(step, 1);
        try (Service service = new Service(EmulatorBackend.shared(), EmailGateway.NONE, o -> o.storeDecorator = crash::wrap)) {
            service.settings(true, null, List.of(), 1440);
            List<String> rooms = List.of(Service.roomId("crash-a"), Service.roomId("crash-b"), Service.roomId("crash-c"));
            for (String room : rooms) {
                service.room(room, Duration.ofMinutes(-5), Duration.ofHours(2), true, List.of(), List.of(), List.of());
            }
            Service.Invited pending = new Service.Invited(rooms.get(0), service.call("POST", "/rooms/" + rooms.get(0)
                    + "/invites", service.token(Service.OWNER), Service.inviteBody(PERSON, "VIEWER"),
                    Map.of("Idempotency-Key", "crash-key")).expect(201));
            Service.Invited redeemed = service.redeemedInvite(rooms.get(1), PERSON, "SPEAKER", "laptop-0001");
            Service.Invited revoked = new Service.Invited(rooms.get(2), service.invite(rooms.get(2), PERSON, "VIEWER"));
            service.call("DELETE", "/rooms/" + rooms.get(2) + "/invites/" + revoked.id(), service.token(Service.OWNER), null)
                    .expect(200);
            service.call("PUT", "/admin/users/" + PERSON, service.adminToken(), Map.of("firstName", "Crash", "lastName", "Case"))
                    .expect(200);
            // a request to join (the redeemed link tried on another device) and a guest's use entered with the address
            service.redeem(redeemed.token(), "phone-0002", PERSON).expectError(409, "LINK_ALREADY_USED");
            service.call("POST", "/invites/join-requests", null, Map.of("token", redeemed.token(), "email", PERSON))
                    .expect(202);
            String guestLink = String.valueOf(service.call("POST", "/rooms/" + rooms.get(0) + "/guest-links",
                    service.token(Service.OWNER), Map.of("label", "Walk-ins")).expect(201).json().get("link"));
            service.call("POST", "/guest/redeem", null, Map.of("token", guestLink.replaceFirst("^.*#guest=", ""),
                    "deviceId", "guest-device-01", "firstName", "Crash", "lastName", "Guest", "email", PERSON)).expect(200);

            crash.arm();
            Service.Response first = service.call("POST", "/admin/erasures", service.adminToken(), Map.of("email", PERSON));
            String id;
            if (first.status() == 202) {
                id = String.valueOf(first.json().get("erasureId"));
            } else {
                assertEquals(500, first.status(), first.body());
                id = String.valueOf(service.call("POST", "/admin/erasures", service.adminToken(), Map.of("email", PERSON))
                        .expect(202).json().get("erasureId"));
            }
            // the in-memory queue delivers a job again after a failed run, as SQS does after the visibility timeout
            for (int i = 0; i < 5 && service.services().erasureQueue().size() > 0; i++) {
                service.services().erasureQueue().drain(service.services().app().erasures());
            }
            assertTrue(crash.calls() >= 1, "the crash after " + step + " happened");
            assertEquals(List.of(), service.services().erasureQueue().deadLetters());

            Map<String, Object> done = service.call("GET", "/admin/erasures/" + id, service.adminToken(), null).expect(200).json();
            assertEquals("DONE", done.get("status"), done::toString);
            assertEquals(3L, done.get("invitesErased"), "each invite counted once: " + done);
            assertEquals(3L, done.get("roomsTouched"));
            for (Service.Invited i : List.of(pending, redeemed, revoked)) {
                Map<String, Object> view = listed(service, i);
                assertNull(view.get("email"));
                assertEquals(true, view.get("erased"));
                assertEquals("REVOKED", view.get("status"));
            }
            assertEquals(List.of(), service.services().store().holders(Emails.erasureKey(PERSON), 100, null).holders());
            assertTrue(service.services().store().suggestUsers("crash", 10).isEmpty(), "the directory entry is gone");
        }
    }

    private static Map<String, Object> listed(Service service, Service.Invited invite) {
        for (Object o : (List<?>) service.call("GET", "/rooms/" + invite.room() + "/invites", service.token(Service.OWNER), null)
                .expect(200).json().get("invites")) {
            Map<?, ?> m = (Map<?, ?>) o;
            if (invite.id().equals(m.get("inviteId"))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> view = (Map<String, Object>) m;
                return view;
            }
        }
        throw new AssertionError("not listed: " + invite.id());
    }
}
