package io.roominvites.it.invitee;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.preview;
import static io.roominvites.it.invitee.Invitee.redeem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DynamoDB round trips per request, counted on the service's own client once the settings are cached
 * (SettingsCache keeps them 30 s per container). A preview is one read of the invite and its room together. A redeem
 * decides on the invite and room this container read last (the join page previews before it redeems) and writes
 * once: one TransactWriteItems that also checks neither changed; without that earlier read it reads first (two
 * calls). A refusal is always told on state read now: one read. Create, resend and the SES calls:
 * it.budget.RoundTripBudgetTest.
 */
class InviteeRoundTripBudgetTest extends ServiceTest {
    private static final String GET = "DynamoDb:GetItem";
    private static final String BATCH_GET = "DynamoDb:BatchGetItem";
    private static final String TRANSACT = "DynamoDb:TransactWriteItems";
    private static final String PUT = "DynamoDb:PutItem";
    private static final String GUEST = "guest@example.org";

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    /** Warms the settings cache with one request, then answers the DynamoDB calls {@code call} makes. */
    private List<String> calls(Supplier<Response> call) {
        preview(service, "warm-up", null, null); // reads the settings if they are not cached; LINK_INVALID
        service.calls().reset();
        call.get();
        return service.calls().calls();
    }

    private String openLink(String email) {
        return Invitee.openInvite(service, "budget", email, "VIEWER").token();
    }

    @Test
    void aRedeemAfterAPreviewIsOneTransaction() {
        String token = openLink(GUEST);
        preview(service, token, null, null).expect(200);
        assertEquals(List.of(TRANSACT), calls(() -> expectEntered(redeem(service, token, "device-budget-1", GUEST, null),
                "VIEWER")));
        String bearerToken = openLink("signed@example.org");
        String bearer = service.token("signed@example.org");
        preview(service, bearerToken, "device-budget-2", bearer).expect(200);
        assertEquals(List.of(TRANSACT), calls(() -> expectEntered(redeem(service, bearerToken, "device-budget-2", null,
                bearer), "VIEWER")), "signed in: also one write (the bearer is verified without a call)");
    }

    @Test
    void aRedeemWithNoEarlierReadReadsThenWrites() {
        String token = openLink(GUEST);
        assertEquals(List.of(BATCH_GET, TRANSACT), calls(() -> expectEntered(redeem(service, token, "device-budget-9",
                GUEST, null), "VIEWER")));
    }

    @Test
    void aSameDeviceReentryIsOneTransaction() {
        String token = openLink(GUEST);
        expectEntered(redeem(service, token, "device-budget-3", GUEST, null), "VIEWER");
        assertEquals(List.of(TRANSACT), calls(() -> expectEntered(redeem(service, token, "device-budget-3", null, null),
                "VIEWER")));
    }

    @Test
    void aPreviewIsOneBatchGet() {
        String token = openLink(GUEST);
        assertEquals(List.of(BATCH_GET), calls(() -> preview(service, token, null, null).expect(200)));
        assertEquals(List.of(BATCH_GET), calls(() -> preview(service, token, "device-budget-4", service.token(GUEST)).expect(200)));
        expectEntered(redeem(service, token, "device-budget-4", GUEST, null), "VIEWER");
        assertEquals(List.of(BATCH_GET), calls(() -> preview(service, token, "device-budget-4", null).expect(200)));
        assertEquals(List.of(BATCH_GET), calls(() -> expectError(preview(service, token, "device-budget-5", null), 409,
                "LINK_ALREADY_USED")));
    }

    @Test
    void refusalsAreOneFreshRead() {
        String token = openLink(GUEST);
        preview(service, token, null, null).expect(200);
        assertEquals(List.of(BATCH_GET), calls(() -> expectError(redeem(service, token, "device-budget-6", null, null), 401,
                "EMAIL_REQUIRED")));
        assertEquals(List.of(BATCH_GET, PUT), calls(() -> expectError(redeem(service, token, "device-budget-6",
                "wrong@example.org", null), 403, "EMAIL_MISMATCH")), "the fresh read, then the counted attempt");
        expectEntered(redeem(service, token, "device-budget-6", GUEST, null), "VIEWER");
        assertEquals(List.of(BATCH_GET), calls(() -> expectError(redeem(service, token, "device-budget-7", GUEST, null), 409,
                "LINK_ALREADY_USED")));
        assertEquals(List.of(), calls(() -> expectError(redeem(service, "forged.link.token", "device-budget-7", GUEST,
                null), 400, "LINK_INVALID")), "a forged link costs no DynamoDB call");

        String early = service.invitedTo(Service.roomId("budget-early"), Duration.ofMinutes(30), GUEST, "VIEWER")
                .token();
        assertEquals(List.of(BATCH_GET), calls(() -> expectError(redeem(service, early, "device-budget-8", GUEST, null), 409,
                "SESSION_NOT_STARTED")));
    }

    @Test
    void coldSettingsCostOneMoreReadAndAreCachedAfterwards() {
        String token = openLink(GUEST);
        service.advance(Duration.ofSeconds(31)); // past the settings cache's 30 s
        service.calls().reset();
        preview(service, token, null, null).expect(200);
        assertEquals(List.of(GET, BATCH_GET), service.calls().calls(), "the settings, then the invite and its room");
        service.calls().reset();
        preview(service, token, null, null).expect(200);
        assertEquals(List.of(BATCH_GET), service.calls().calls(), "the settings are cached now");
    }
}
