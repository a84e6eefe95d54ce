package io.roominvites.it.budget;

import io.roominvites.app.App;
import io.roominvites.http.Operation;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.lambda.SnapStartPriming;
import io.roominvites.local.FreePorts;
import io.roominvites.store.dynamo.DynamoInviteStore;
import io.roominvites.tokens.KeyRing;
import io.roominvites.tokens.LocalIdentityProvider;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Select;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SnapStart priming (io.roominvites.lambda.SnapStartPriming) runs each function's real request path before
 * the snapshot: it must read only, create nothing, send nothing, and never fail the checkpoint.
 */
class SnapStartPrimingTest extends ServiceTest {
    private static final Set<String> WRITES = Set.of("DynamoDb:PutItem", "DynamoDb:DeleteItem", "DynamoDb:BatchWriteItem",
            "DynamoDb:TransactWriteItems");

    @Override
    protected void afterStart() {
        service.enableInvitations();
        service.room("primed-room", Duration.ofMinutes(-5));
        service.invite("primed-room", "someone@example.org", "VIEWER");
    }

    private int items() {
        DynamoInviteStore store = service.services().store();
        return service.services().dynamoDb().scan(b -> b.tableName(store.tableName()).select(Select.COUNT)
                .consistentRead(true)).count();
    }

    @Test
    void primingEachFunctionReadsOnlyAndCreatesNothing() {
        App app = service.services().app();
        List<Set<Operation>> functions = List.of(
                EnumSet.of(Operation.PREVIEW_INVITE, Operation.REDEEM_INVITE),
                EnumSet.of(Operation.CREATE_INVITE, Operation.RESEND_INVITE),
                EnumSet.of(Operation.REVOKE_INVITE),
                EnumSet.of(Operation.PROMOTE_INVITE),
                EnumSet.of(Operation.INVITE_OPTIONS, Operation.INVITEE_SUGGESTIONS, Operation.LIST_INVITES),
                EnumSet.of(Operation.GET_SETTINGS, Operation.PUT_SETTINGS, Operation.PUT_ROOM, Operation.DELETE_ROOM,
                        Operation.PUT_USER),
                EnumSet.of(Operation.JWKS));
        int before = items();
        for (Set<Operation> ops : functions) {
            service.calls().reset();
            List<String> log = SnapStartPriming.prime(app, ops);
            List<String> calls = service.calls().calls();
            assertFalse(log.stream().anyMatch(l -> l.contains("failed") || l.contains("skipped")), ops + ": " + log);
            assertTrue(calls.stream().noneMatch(WRITES::contains), ops + " wrote: " + calls);
            assertTrue(calls.stream().allMatch(c -> c.equals("DynamoDb:GetItem") || c.equals("DynamoDb:BatchGetItem")),
                    ops + ": " + calls);
        }
        assertEquals(before, items(), "priming must not create anything");
        assertTrue(service.services().store().findRoom(SnapStartPriming.ROOM).isEmpty());
        assertTrue(service.services().store().findInvite(SnapStartPriming.ROOM, SnapStartPriming.INVITE).isEmpty());
    }

    @Test
    void primingRequestsAreNotLoggedAsRequestLines() {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        io.roominvites.logging.Log.redirect(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        List<String> log;
        try {
            Set<Operation> all = EnumSet.allOf(Operation.class);
            all.removeIf(Operation::localOnly);
            log = SnapStartPriming.prime(service.services().app(), all);
            service.call("GET", "/admin/settings", null, null).expectError(401, "UNAUTHENTICATED"); // traffic: logged
        } finally {
            io.roominvites.logging.Log.redirect(System.out);
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("HTTP 401")), "priming made its requests: " + log);
        List<String> requestLines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("\"message\":\"request\"")).toList();
        assertEquals(1, requestLines.size(), "only the real request is a request line: " + requestLines);
        assertFalse(requestLines.getFirst().contains("snapstart-priming"), requestLines.toString());
    }

    @Test
    void theRedeemPrimingRunsTheRealPathToDynamoDb() {
        // a container about to be snapshotted has not read the settings yet, whatever this class ran before
        service.services().app().afterRestore();
        service.calls().reset();
        List<String> log = SnapStartPriming.prime(service.services().app(),
                EnumSet.of(Operation.PREVIEW_INVITE, Operation.REDEEM_INVITE));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("preview") && l.endsWith("HTTP 400")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("redeem") && l.endsWith("HTTP 400")), log.toString());
        assertEquals(List.of("DynamoDb:BatchGetItem", "DynamoDb:BatchGetItem"),
                service.calls().calls().stream().filter(c -> !c.equals("DynamoDb:GetItem")).toList(),
                "(the settings, when not cached, then) the invite and room of the preview and of the redeem");
        assertTrue(service.calls().calls().contains("DynamoDb:BatchGetItem"),
                service.calls().calls().toString());
    }

    @Test
    void primingNeverFailsTheCheckpointWhenDynamoDbIsUnreachable() throws Exception {
        int closedPort = FreePorts.pick();
        try (DynamoDbClient db = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(5)).build())
                .build()) {
            App.Parts parts = new App.Parts();
            parts.store = new DynamoInviteStore(db, "unreachable");
            parts.keys = KeyRing.generate("prime-1");
            parts.callers = new LocalIdentityProvider("http://127.0.0.1/idp", "aud", Clock.systemUTC()).verifier(Clock.systemUTC());
            Set<Operation> ops = EnumSet.of(Operation.PREVIEW_INVITE, Operation.REDEEM_INVITE);
            App app = App.create(parts, ops);
            long start = System.nanoTime();
            List<String> log = SnapStartPriming.prime(app, ops);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertTrue(log.stream().anyMatch(l -> l.contains("skipped")), log.toString());
            assertTrue(seconds < 20, "priming took " + seconds + " s: " + log);
        }
    }
}
