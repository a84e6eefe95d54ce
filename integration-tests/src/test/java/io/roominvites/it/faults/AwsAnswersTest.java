package io.roominvites.it.faults;

import io.roominvites.email.EmailGateway;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, item 4: DynamoDB's answers that DynamoDB Local never gives, each handled as what it is. An unknown
 * (a transaction cancelled by a conflict or a throttle on the room's gate) is read again, never taken for
 * "unchanged"; a 503 says what is known: "nothing was changed" only when that is certain.
 */
class AwsAnswersTest extends ServiceTest {
    private final AnswerRewriter rewriter = new AnswerRewriter();

    @Override
    protected Service createService(Backend backend) {
        return new Service(backend, EmailGateway.NONE, o -> {
            o.interceptors.add(rewriter);
            // the SDK's own retries as deployed (a rewritten answer meets every attempt), without their waits
            o.dynamoOverrides = c -> c.retryStrategy(AwsRetryStrategy.legacyRetryStrategy().toBuilder().maxAttempts(3)
                    .backoffStrategy(BackoffStrategy.retryImmediately())
                    .throttlingBackoffStrategy(BackoffStrategy.retryImmediately()).circuitBreakerEnabled(false).build());
        });
    }

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    @AfterEach
    void stopRewriting() {
        rewriter.reset();
    }

    /** A device holds the invite, a manager promoted it since, then the room changed: the container's copy is stale. */
    private Service.Invited redeemedThenPromoted(String room) {
        service.room(room, Duration.ofMinutes(-5));
        Service.Invited invited = new Service.Invited(room, service.invite(room, "stale@example.org", "VIEWER"));
        service.redeem(invited.token(), "device-stale-1", "stale@example.org").expect(200);
        service.manage(room, invited.id(), "promote", Map.of("role", "SPEAKER")).expect(200);
        return invited;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "ValidationError"})
    void aDeletedRoomIsNeverGrantedWhateverTheGateAnswers(String gateAnswer) {
        String room = Service.roomId("stale-deleted");
        Service.Invited invited = redeemedThenPromoted(room);
        service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expect(204);
        rewriter.rewriteCancellations(AnswerRewriter.gateAnswers(gateAnswer));

        service.redeem(invited.token(), "device-stale-1", "stale@example.org").expectError(410, "ROOM_DELETED");
        assertTrue(rewriter.rewritten() > 0, "the gate's answer was rewritten (the case really ran)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TransactionConflict", "ThrottlingError"})
    void aSessionMovedIntoThePastIsNeverGrantedWhateverTheGateAnswers(String gateAnswer) {
        String room = Service.roomId("stale-ended");
        Service.Invited invited = redeemedThenPromoted(room);
        Map<String, Object> ended = new LinkedHashMap<>();
        ended.put("title", "Ended");
        ended.put("startsAt", service.clock().instant().minus(Duration.ofHours(3)).toString());
        ended.put("endsAt", service.clock().instant().minus(Duration.ofHours(1)).toString());
        ended.put("chatAndCollaborationEnabled", true);
        ended.put("owner", Service.OWNER);
        service.call("PUT", "/admin/rooms/" + room, service.adminToken(), ended).expect(200);
        rewriter.rewriteCancellations(AnswerRewriter.gateAnswers(gateAnswer));

        service.redeem(invited.token(), "device-stale-1", "stale@example.org").expectError(410, "SESSION_ENDED");
        assertTrue(rewriter.rewritten() > 0);
    }

    private static Map<String, Object> roomBody(String title) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("startsAt", "2030-01-01T10:00:00Z");
        body.put("endsAt", "2030-01-01T11:00:00Z");
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", Service.OWNER);
        return body;
    }

    @Test
    void aWriteThatTimedOutAfterLandingSaysItMayHaveBeenMadeAndThatARetryIsSafe() {
        String room = Service.roomId("timeout");
        rewriter.failAfterApplying("TransactWriteItems", SdkClientException.builder()
                .message("Unable to execute HTTP request: Read timed out")
                .cause(new SocketTimeoutException("Read timed out (injected)")).build());
        Service.Response answer = service.call("PUT", "/admin/rooms/" + room, service.adminToken(), roomBody("Landed"));
        answer.expectError(503, "SERVICE_UNAVAILABLE");
        String message = (String) answer.obj("error").get("message");
        assertFalse(message.contains("Nothing was changed"), "the write may have landed: " + message);
        assertTrue(message.contains("may or may not"), message);
        assertTrue(message.contains("safe to try again"), message);
        assertTrue(answer.header("Retry-After") != null);

        rewriter.reset();
        // the change had landed; the retry the message invites is harmless
        service.call("PUT", "/admin/rooms/" + room, service.adminToken(), roomBody("Landed")).expect(200);
        Service.Response created = service.invite(room, "after-timeout@example.org", "VIEWER");
        assertEquals(201, created.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ThrottlingException", "RequestLimitExceeded", "ProvisionedThroughputExceededException"})
    void aRefusedWriteSaysNothingWasChanged(String code) {
        String room = Service.roomId("refused");
        rewriter.failBeforeSending("TransactWriteItems", AwsServiceException.builder().statusCode(400)
                .message("injected " + code)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb").errorCode(code)
                        .errorMessage("refused (injected)").build()).build());
        Service.Response answer = service.call("PUT", "/admin/rooms/" + room, service.adminToken(), roomBody("Refused"));
        answer.expectError(503, "SERVICE_UNAVAILABLE");
        String message = (String) answer.obj("error").get("message");
        assertTrue(message.contains("Nothing was changed"), message);

        rewriter.reset();
        // nothing was changed: the room does not exist
        service.call("POST", "/rooms/" + room + "/invites", service.token(Service.OWNER),
                Service.inviteBody("nobody@example.org", "VIEWER")).expectError(404, "ROOM_NOT_FOUND");
    }

    @Test
    void anInternalServerErrorOnAWriteIsAnUnknownOutcome() {
        String room = Service.roomId("ise");
        rewriter.failAfterApplying("TransactWriteItems", AwsServiceException.builder().statusCode(500)
                .message("injected 500")
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb").errorCode("InternalServerError")
                        .errorMessage("Internal server error (injected)").build()).build());
        Service.Response answer = service.call("PUT", "/admin/rooms/" + room, service.adminToken(), roomBody("ISE"));
        answer.expectError(503, "SERVICE_UNAVAILABLE");
        assertTrue(((String) answer.obj("error").get("message")).contains("may or may not"));
    }
}
