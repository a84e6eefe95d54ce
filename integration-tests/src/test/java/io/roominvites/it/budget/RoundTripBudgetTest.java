package io.roominvites.it.budget;

import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.it.support.CallCounter;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import io.roominvites.testing.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The round-trip budget of the hot requests, counted on the SDK clients themselves (an
 * {@link software.amazon.awssdk.core.interceptor.ExecutionInterceptor} on the DynamoDB client and on the
 * SES v2 client). These are the floors, so a change that adds a call fails here:
 * <ul>
 * <li>redeem (happy path, the same device coming back, every refusal) and preview: one DynamoDB call each, held
 * by {@code it.invitee.InviteeRoundTripBudgetTest} with the invitee's own helpers, along with the cold settings read;</li>
 * <li>create: two DynamoDB calls, the room read with the send ledgers (and the key's record) in one BatchGetItem, and
 * the transactional write of the invite that also books them (issue 20), plus exactly one SES call (SendEmail) when
 * sendEmail is asked;</li>
 * <li>resend: one DynamoDB read, the BatchGetItem of the room and the invite together, the send ledgers' read and
 * booking, then the reservation, the SES call (SendEmail) and the write that records its outcome; a refused resend is
 * that one read alone.</li>
 * <li>reissue: the BatchGetItem, one TransactWriteItems (the room's gate and the invite); with email, SendEmail and
 * a PutItem of its outcome. Release-device: the BatchGetItem and one TransactWriteItems.</li>
 * <li>bulk create: the room read (a BatchGetItem with the key's record when an Idempotency-Key is sent), the send
 * ledgers' read and one booking for all its rows, one TransactWriteItems per 99 invites (with the room's ConditionCheck), and with a key a PutItem claiming it before
 * and one marking it done after; a replay is the read and a BatchGetItem of the invites per 100. Each email sent
 * (within the request for up to 20, else by the queue's consumer, which first reads the invite with its room) is a
 * PutItem claiming it, SendEmail, and a PutItem of its outcome.</li>
 * </ul>
 * Per-container caches and their bounded staleness: site settings for SETTINGS_CACHE_SECONDS (30 s by
 * default; the first request after that pays one extra GetItem, tested in InviteeRoundTripBudgetTest), and whether an SES template
 * exists for EMAIL_TEMPLATE_CACHE_SECONDS. Rooms and invites are never cached: a deleted room or a revoked
 * invite stops working on the very next request (tested below).
 */
class RoundTripBudgetTest extends ServiceTest {
    private static final String FROM = "invites@example.com";
    private static final String PUT = "DynamoDb:PutItem";
    private static final String GET = "DynamoDb:GetItem";
    private static final String BATCH_GET = "DynamoDb:BatchGetItem";
    private static final String TRANSACT = "DynamoDb:TransactWriteItems";
    private static final String SEND = "SesV2:SendEmail";

    private final CallCounter sesCalls = new CallCounter();
    private SesV2Client ses;
    private String template;

    @Override
    protected Service createService(Backend backend) {
        backend.dynamoDbEndpoint(); // aborts (SKIPPED) here for a backend that can't run
        ses = SesEmailGateway.clientBuilder(sesCalls)
                .endpointOverride(backend.sesEndpoint())
                .region(backend.region())
                .credentialsProvider(backend.credentials())
                .build();
        SesEmailGateway email = new SesEmailGateway(ses, FROM, null, Duration.ofMinutes(10), Clock.systemUTC());
        // the budgets are a warm container's: the settings refresh (every 30 s by default, its one GetItem
        // counted in InviteeRoundTripBudgetTest) must not land inside a slow machine's long drain
        return new Service(backend, email, o -> o.settingsMaxAge = Duration.ofHours(1));
    }

    @Override
    protected void afterStart() {
        backend.verifySender(FROM);
        template = Backends.uniqueName("budget");
        ses.createEmailTemplate(b -> b.templateName(template).templateContent(c -> c
                .subject("You are invited to {{roomTitle}}")
                .text("Hello {{firstName}}, join at {{inviteLink}}")
                .html("<p>Hello {{firstName}}, <a href=\"{{inviteLink}}\">join</a></p>")));
        service.settings(true, template, List.of("blocked.example"), 1440);
    }

    @AfterParameterizedClassInvocation
    void closeSes() {
        if (ses != null) {
            ses.close();
            ses = null;
        }
    }

    /** Loads the site settings into the container's cache, as any earlier request in a warm container has. */
    private void warm() {
        service.preview("not.a.token", null).expectError(400, "LINK_INVALID");
        service.calls().reset();
        sesCalls.reset();
    }

    private String inviteLink(String roomId, String email) {
        return Service.linkToken(service.invite(roomId, email, "VIEWER"));
    }

    @Test
    void aCreateIsAtMostTwoDynamoDbCalls() {
        service.room("budget-create", Duration.ofMinutes(30));
        warm();
        service.call("POST", "/rooms/budget-create/invites", service.token(Service.OWNER),
                Service.inviteBody("create@example.org", "VIEWER")).expect(201);
        assertEquals(List.of(BATCH_GET, TRANSACT), service.calls().calls(),
                "the room with the send ledgers in one read; the invite with their booking in one transaction");
        assertEquals(List.of(), sesCalls.calls());
    }

    @Test
    void aCreateWithAnIdempotencyKeyIsStillTwoDynamoDbCalls() {
        service.room("budget-idem", Duration.ofMinutes(30));
        warm();
        service.call("POST", "/rooms/budget-idem/invites", service.token(Service.OWNER),
                Service.inviteBody("idem@example.org", "VIEWER"), Map.of("Idempotency-Key", "budget-key-1")).expect(201);
        assertEquals(List.of(BATCH_GET, TRANSACT), service.calls().calls());

        service.calls().reset();
        service.call("POST", "/rooms/budget-idem/invites", service.token(Service.OWNER),
                Service.inviteBody("idem@example.org", "VIEWER"), Map.of("Idempotency-Key", "budget-key-1")).expect(201);
        List<String> replay = service.calls().calls();
        assertTrue(replay.size() <= 2, "a replay too: " + replay);
    }

    @Test
    void aCreateThatSendsTheEmailAddsExactlyTheSesCall() {
        service.room("budget-email", Duration.ofMinutes(30));
        Map<String, Object> body = Service.inviteBody("first@example.org", "Gia", "Guest", "VIEWER", true);
        // the first send in a container also learns that the template exists (cached EMAIL_TEMPLATE_CACHE_SECONDS)
        service.call("POST", "/rooms/budget-email/invites", service.token(Service.OWNER), body).expect(201);
        warm();

        body.put("email", "mail@example.org");
        Service.Response created = service.call("POST", "/rooms/budget-email/invites", service.token(Service.OWNER), body)
                .expect(201);
        assertEquals("SENT", created.obj("email").get("status"), created.body());
        assertEquals(List.of(BATCH_GET, TRANSACT, PUT), service.calls().calls(),
                "the room with the send ledgers; the invite (email QUEUED) with their booking before the email; the email's outcome after it");
        assertEquals(List.of(SEND), sesCalls.calls());
    }

    private Service.Response resend(String roomId, String inviteId) {
        return service.call("POST", "/rooms/" + roomId + "/invites/" + inviteId + "/resend", service.token(Service.OWNER),
                null);
    }

    @Test
    void aResendIsOneReadAReservedAttemptTheEmailAndItsOutcome() {
        service.room("budget-resend", Duration.ofMinutes(30));
        Map<String, Object> body = Service.inviteBody("resend@example.org", "Gia", "Guest", "VIEWER", true);
        // the first send in a container also learns that the template exists (cached EMAIL_TEMPLATE_CACHE_SECONDS)
        String id = Service.inviteId(service.call("POST", "/rooms/budget-resend/invites", service.token(Service.OWNER), body)
                .expect(201));
        warm();

        Service.Response resent = resend("budget-resend", id).expect(200);
        assertEquals("SENT", resent.obj("email").get("status"), resent.body());
        assertEquals(List.of(BATCH_GET, BATCH_GET, TRANSACT, PUT, PUT), service.calls().calls(),
                "room and invite in one read, the send ledgers booked, the attempt reserved (so racing resends can't pass the cap), the outcome");
        assertEquals(List.of(SEND), sesCalls.calls());
    }

    @Test
    void aRefusedResendIsTheOneReadAlone() {
        service.room("budget-resend-no", Duration.ofMinutes(30));
        Service.Response created = service.invite("budget-resend-no", "resend-no@example.org", "VIEWER");
        String id = Service.inviteId(created);
        service.call("DELETE", "/rooms/budget-resend-no/invites/" + id, service.token(Service.OWNER), null).expect(200);
        warm();

        resend("budget-resend-no", id).expectError(409, "INVITE_NOT_ACTIVE");
        assertEquals(List.of(BATCH_GET), service.calls().calls());
        assertEquals(List.of(), sesCalls.calls());

        // an invite that is not there: the same one read answers it
        service.calls().reset();
        resend("budget-resend-no", "01ARZ3NDEKTSV4RRFFQ69G5FAV").expectError(404, "INVITE_NOT_FOUND");
        assertEquals(List.of(BATCH_GET), service.calls().calls());
        assertEquals(List.of(), sesCalls.calls());
    }

    @Test
    void aRevokedInviteStopsWorkingAtOnce() {
        service.room("budget-revoke", Duration.ofMinutes(-5));
        Service.Response created = service.invite("budget-revoke", "revoke@example.org", "VIEWER");
        String token = Service.linkToken(created);
        service.preview(token, null).expect(200);
        service.call("DELETE", "/rooms/budget-revoke/invites/" + Service.inviteId(created),
                service.token(Service.OWNER), null).expect(200);
        warm();
        service.preview(token, null).expectError(410, "INVITE_REVOKED");
        service.redeem(token, "device-budget-3", "revoke@example.org").expectError(410, "INVITE_REVOKED");
        assertEquals(List.of(BATCH_GET, BATCH_GET), service.calls().calls(), "one fresh read each");
    }

    @Test
    void aDeletedRoomStopsItsInvitesAtOnce() {
        service.room("budget-delete", Duration.ofMinutes(-5));
        String token = inviteLink("budget-delete", "delete@example.org");
        String redeemed = inviteLink("budget-delete", "delete2@example.org");
        service.redeem(redeemed, "device-budget-4", "delete2@example.org").expect(200);
        warm();
        service.call("DELETE", "/admin/rooms/budget-delete", service.adminToken(), null).expect(204);
        assertEquals(List.of(TRANSACT), service.calls().calls(), "the room and its gates: one write, whatever its invites");
        service.calls().reset();
        service.preview(token, null).expectError(410, "ROOM_DELETED");
        service.redeem(token, "device-budget-5", "delete@example.org").expectError(410, "ROOM_DELETED");
        assertEquals(List.of(BATCH_GET, BATCH_GET), service.calls().calls(), "one fresh read each");
        service.calls().reset();
        service.redeem(redeemed, "device-budget-4", null).expectError(410, "ROOM_DELETED");
        assertEquals(List.of(TRANSACT, BATCH_GET), service.calls().calls(),
                "the device decided on the room it read before: the write's room check refuses, a fresh read tells why");
    }

    @Test
    void aRoomChangeIsOneWriteWhateverTheNumberOfItsInvites() {
        service.room("budget-room-0", Duration.ofMinutes(30));
        service.room("budget-room-40", Duration.ofMinutes(30));
        for (int i = 0; i < 40; i++) {
            service.invite("budget-room-40", "room-" + i + "@example.org", "VIEWER");
        }
        for (String room : List.of("budget-room-0", "budget-room-40")) {
            warm();
            service.room(room, Duration.ofMinutes(45));
            assertEquals(List.of(TRANSACT), service.calls().calls(), room + ": the room and its gates, one transaction");
        }
    }

    @Test
    void managerWritesReadTheInviteWithItsRoomThenWriteOnce() {
        service.room("budget-manage", Duration.ofMinutes(-5));
        Service.Response created = service.invite("budget-manage", "manage@example.org", "VIEWER");
        String id = Service.inviteId(created);
        String base = "/rooms/budget-manage/invites/" + id;
        warm();
        service.call("POST", base + "/promote", service.token(Service.OWNER), Map.of("role", "SPEAKER")).expect(200);
        assertEquals(List.of(BATCH_GET, TRANSACT), service.calls().calls(), "promote: checks the room's version too");
        warm();
        service.call("POST", base + "/reissue", service.token(Service.OWNER), Map.of()).expect(200);
        assertEquals(List.of(BATCH_GET, TRANSACT), service.calls().calls(), "reissue without email");
        service.redeem(Service.linkToken(service.call("POST", base + "/reissue", service.token(Service.OWNER), Map.of())
                .expect(200)), "device-budget-manage", "manage@example.org").expect(200);
        warm();
        service.call("POST", base + "/release-device", service.token(Service.OWNER), null).expect(200);
        assertEquals(List.of(BATCH_GET, TRANSACT), service.calls().calls(), "release-device");
        warm();
        service.call("DELETE", base, service.token(Service.OWNER), null).expect(200);
        assertEquals(List.of(BATCH_GET, PUT), service.calls().calls(), "revoke: no room check needed");
        warm();
        service.call("DELETE", base, service.token(Service.OWNER), null).expect(200);
        assertEquals(List.of(BATCH_GET), service.calls().calls(), "revoking again writes nothing");
    }

    private static Map<String, Object> bulkBody(String prefix, int rows, boolean sendEmail) {
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(Service.inviteBody(prefix + i + "@example.org", "VIEWER"));
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("invites", list);
        body.put("sendEmail", sendEmail);
        return body;
    }

    @Test
    void aBulkCreateIsOneReadAndATransactionPerNinetyNineInvites() {
        service.room("budget-bulk", Duration.ofMinutes(30));
        warm();
        service.bulk("budget-bulk", bulkBody("bulk", 150, false), Map.of()).expect(200);
        assertEquals(List.of(GET, BATCH_GET, TRANSACT, TRANSACT, TRANSACT), service.calls().calls(),
                "the room, the send ledgers booked for all rows at once, then 99 + 51 invites, each transaction with the room's ConditionCheck");
        assertEquals(List.of(), sesCalls.calls());

        warm();
        service.bulk("budget-bulk", bulkBody("bulk-key", 10, false), Map.of("Idempotency-Key", "budget-bulk-1")).expect(200);
        assertEquals(List.of(BATCH_GET, BATCH_GET, TRANSACT, PUT, TRANSACT, PUT), service.calls().calls(),
                "the room and the key in one read; the send ledgers booked; the plan claims the key; the invites; the plan marked done");
        warm();
        service.bulk("budget-bulk", bulkBody("bulk-key", 10, false), Map.of("Idempotency-Key", "budget-bulk-1")).expect(200);
        assertEquals(List.of(BATCH_GET, BATCH_GET), service.calls().calls(),
                "a replay: the room and the key, then the batch's invites (100 a call)");
    }

    @Test
    void aBulkCreateThatEmailsAFewClaimsSendsAndRecordsEach() {
        service.room("budget-bulk-mail", Duration.ofMinutes(30));
        // the first send in a container also learns that the template exists (cached EMAIL_TEMPLATE_CACHE_SECONDS)
        service.call("POST", "/rooms/budget-bulk-mail/invites", service.token(Service.OWNER),
                Service.inviteBody("bulk-first@example.org", "Gia", "Guest", "VIEWER", true)).expect(201);
        warm();
        service.bulk("budget-bulk-mail", bulkBody("bulk-mail", 3, true), Map.of()).expect(200);
        assertEquals(List.of(GET, BATCH_GET, TRANSACT, TRANSACT, PUT, PUT, PUT, PUT, PUT, PUT), service.calls().calls(),
                "the room, the send ledgers, the invites (QUEUED), then per email: the claim (a conditional write) and its outcome");
        assertEquals(List.of(SEND, SEND, SEND), sesCalls.calls());
    }

    @Test
    void aQueuedEmailIsOneReadAClaimTheEmailAndItsOutcome() {
        service.room("budget-queue", Duration.ofMinutes(30));
        service.call("POST", "/rooms/budget-queue/invites", service.token(Service.OWNER),
                Service.inviteBody("queue-first@example.org", "Gia", "Guest", "VIEWER", true)).expect(201);
        warm();
        service.bulk("budget-queue", bulkBody("queued", 25, true), Map.of()).expect(200);
        assertEquals(List.of(GET, BATCH_GET, TRANSACT, TRANSACT), service.calls().calls(),
                "the room, the send ledgers, the invites; more than 20 emails: queued, none sent within");
        assertEquals(List.of(), sesCalls.calls());
        List<String> messages = service.services().emailQueue().pending();
        warm();
        service.drainEmailQueue();
        List<String> calls = service.calls().calls();
        assertEquals(25 * 3, calls.size(), calls::toString);
        for (int i = 0; i < 25; i++) {
            assertEquals(List.of(BATCH_GET, PUT, PUT), calls.subList(i * 3, i * 3 + 3),
                    "per job: the invite with its room, the claim, the outcome");
        }
        assertEquals(java.util.Collections.nCopies(25, SEND), sesCalls.calls());
        // the same messages delivered again: one read per job, nothing written, nothing sent
        warm();
        messages.forEach(m -> service.services().app().queuedEmails().sendMessage(m));
        assertEquals(java.util.Collections.nCopies(25, BATCH_GET), service.calls().calls());
        assertEquals(List.of(), sesCalls.calls());
    }

    @Test
    void aReissueThatEmailsIsOneReadTheGatedWriteTheEmailAndItsOutcome() {
        service.room("budget-reissue", Duration.ofMinutes(30));
        Service.Response created = service.call("POST", "/rooms/budget-reissue/invites", service.token(Service.OWNER),
                Service.inviteBody("reissue-mail@example.org", "Gia", "Guest", "VIEWER", true)).expect(201);
        warm();
        service.manage("budget-reissue", Service.inviteId(created), "reissue", Map.of("sendEmail", true)).expect(200);
        assertEquals(List.of(BATCH_GET, TRANSACT, PUT), service.calls().calls(),
                "the invite with its room; the new link and the QUEUED email, checked against the room's gate; the outcome");
        assertEquals(List.of(SEND), sesCalls.calls());
    }
}
