package io.roominvites.service;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.store.InviteStore;
import io.roominvites.testkit.Answer;
import io.roominvites.testkit.InProcessService;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.roominvites.testkit.InProcessService.OWNER;
import static io.roominvites.testkit.InProcessService.inviteBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a 503 says about a request with an Idempotency-Key (issue #17's "503 messages say what is known"; found by the
 * seeded simulation's seeds 147 and 224): a keyed create whose write landed but whose answer was lost, retried while the
 * retry's first read fails, must not hear "Nothing was changed": the invitation exists. A request without a key whose
 * first read fails changed nothing, and says so.
 */
class KeyedRetryWordingTest {
    /** Store methods that fail once on their next call: "!name" after doing their work (an answer lost). */
    private final Set<String> failNext = ConcurrentHashMap.newKeySet();
    private final InProcessService service = new InProcessService(this::faulty);

    {
        service.enableInvitations();
        service.room("growth", Duration.ofDays(2));
    }

    private InviteStore faulty(InviteStore store) {
        return (InviteStore) Proxy.newProxyInstance(InviteStore.class.getClassLoader(), new Class<?>[]{InviteStore.class},
                (proxy, method, args) -> {
                    if (failNext.remove(method.getName())) {
                        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE); // a read that timed out
                    }
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (failNext.remove("!" + method.getName())) {
                        throw InviteException.outcomeUnknown(); // the write landed, its answer timed out
                    }
                    return result;
                });
    }

    private Answer create(String key) {
        return service.call("POST", "/rooms/growth/invites", service.token(OWNER), inviteBody("ada@example.org", "VIEWER"),
                key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    private int stored() {
        return service.store.listInvites("growth", null, 100, null, service.clock.instant()).invites().size();
    }

    private static String message(Answer a) {
        return String.valueOf(a.error(503, "SERVICE_UNAVAILABLE").get("message"));
    }

    @Test
    void aKeyedCreateWhoseRetryCannotReadItsKeySaysAnEarlierRequestMayHaveCreatedTheInvitation() {
        failNext.add("!createInvite");
        String first = message(create("k-147"));
        assertTrue(first.contains("may or may not have been made"), first);
        assertEquals(1, stored(), "the first try's write landed");

        failNext.add("loadForCreate");
        String retry = message(create("k-147"));
        assertFalse(retry.toLowerCase().contains("nothing was changed"), retry);
        assertTrue(retry.contains("Idempotency-Key") && retry.contains("may have created this invitation")
                && retry.contains("same key"), retry);

        Answer again = create("k-147").expect(201);
        assertEquals(1, stored(), "the key's retry answers the invitation the first try made");
        assertEquals(service.store.listInvites("growth", null, 100, null, service.clock.instant()).invites().getFirst().inviteId(),
                again.text("invite.inviteId"));
    }

    @Test
    void aCreateWithoutAKeyWhoseFirstReadFailsChangedNothingAndSaysSo() {
        failNext.add("loadForCreate");
        String message = message(create(null));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE.defaultMessage(), message);
        assertEquals(0, stored());
    }

    @Test
    void aKeyedBulkWhoseRetryCannotReadItsKeySaysAnEarlierRequestMayHaveCreatedSomeOfThem() {
        Map<String, Object> body = Map.of("invites", List.of(inviteBody("ada@example.org", "VIEWER"),
                inviteBody("bo@example.org", "SPEAKER")));
        Map<String, String> key = Map.of("Idempotency-Key", "bulk-224");
        service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER), body, key).expect(200);
        assertEquals(2, stored());

        failNext.add("loadForBulk");
        String retry = message(service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER), body, key));
        assertFalse(retry.toLowerCase().contains("nothing was changed"), retry);
        assertTrue(retry.contains("may have created some of these invitations"), retry);

        service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER), body, key).expect(200);
        assertEquals(2, stored(), "the same batch, never twice");
    }
}
