package io.roominvites.email.ses;

import io.roominvites.email.DeliveryFailure;
import io.roominvites.email.EmailGateway.SendOutcome;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.json.Json;
import io.roominvites.logging.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SesEmailGatewayTest {
    static final String LINK = "https://events.example.com/join#invite=eyJhbGciOiJFUzI1NiJ9.c2VjcmV0LXRva2Vu.c2ln";

    private final StubSes ses = new StubSes();
    private final MovableClock clock = new MovableClock();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private SesEmailGateway gateway;

    @BeforeEach
    void setUp() {
        Log.redirect(new PrintStream(logged, true, StandardCharsets.UTF_8));
        gateway = new SesEmailGateway(ses, "Room Invites <invites@example.com>", "invites-set", Duration.ofSeconds(60), clock);
    }

    @AfterEach
    void restoreLog() {
        Log.redirect(System.out);
    }

    static Map<String, Object> data() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("firstName", "<b>Gia</b>");
        d.put("permissions", List.of("Q&A", "<i>x</i>"));
        d.put("inviteLink", LINK);
        return d;
    }

    @Test
    void sendsTheNamedTemplateWithHtmlSafeDataFromTheConfiguredSender() throws Exception {
        SendOutcome out = gateway.send("guest@example.org", "RoomInvitation", data());
        assertTrue(out.sent());
        assertEquals("msg-1", out.messageId());
        var request = ses.sends.getFirst();
        assertEquals("Room Invites <invites@example.com>", request.fromEmailAddress());
        assertEquals(List.of("guest@example.org"), request.destination().toAddresses());
        assertEquals("invites-set", request.configurationSetName());
        assertEquals("RoomInvitation", request.content().template().templateName());
        assertNull(request.content().simple());
        Map<String, Object> sent = Json.parseObject(request.content().template().templateData());
        assertEquals("&lt;b&gt;Gia&lt;/b&gt;", sent.get("firstName"));
        assertEquals(List.of("Q&A", "&lt;i&gt;x&lt;/i&gt;"), sent.get("permissions"));
        assertEquals(LINK, sent.get("inviteLink"));
    }

    @Test
    void noConfigurationSetWhenNoneIsConfigured() {
        new SesEmailGateway(ses, "invites@example.com", " ", Duration.ZERO, clock).send("guest@example.org", "T", data());
        assertNull(ses.sends.getFirst().configurationSetName());
    }

    @Test
    void logsMaskTheRecipientAndNeverCarryTheLinkOrProviderText() {
        gateway.send("guest@example.org", "RoomInvitation", data());
        ses.sendFailure = () -> MessageRejectedException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("MessageRejected")
                        .errorMessage("Email address is not verified: guest@example.org").build())
                .message("Email address is not verified: guest@example.org").build();
        gateway.send("guest@example.org", "RoomInvitation", data());
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("g***@example.org"), log);
        assertFalse(log.contains("guest@example.org"), log);
        assertFalse(log.contains("invite="), log);
        assertFalse(log.contains("c2VjcmV0LXRva2Vu"), log);
        assertTrue(log.contains("\"errorCode\":\"MessageRejected\""), log);
    }

    @Test
    void failuresAreHumanAndCarryNoAwsText() {
        ses.sendFailure = () -> TooManyRequestsException.builder().statusCode(429)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("TooManyRequestsException").errorMessage("Maximum sending rate exceeded.").build())
                .message("Maximum sending rate exceeded.").build();
        SendOutcome out = gateway.send("guest@example.org", "RoomInvitation", data());
        assertFalse(out.sent());
        assertEquals("The email service is busy; the invitation was created — resend it in a minute or copy the link.", out.error());
        assertFalse(out.error().contains("Exception"));
        assertFalse(out.error().contains("rate exceeded"));
    }

    @Test
    void classifiesByErrorCodeAndByHttpStatus() {
        assertEquals(DeliveryFailure.THROTTLED, SesEmailGateway.classify(TooManyRequestsException.builder().statusCode(429).build()));
        assertEquals(DeliveryFailure.THROTTLED, SesEmailGateway.classify(status(429)));
        assertEquals(DeliveryFailure.THROTTLED, SesEmailGateway.classify(SesV2Exception.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").build()).build()));
        assertEquals(DeliveryFailure.REJECTED, SesEmailGateway.classify(MessageRejectedException.builder().statusCode(400).build()));
        assertEquals(DeliveryFailure.REJECTED, SesEmailGateway.classify(BadRequestException.builder().statusCode(400).build()));
        assertEquals(DeliveryFailure.REJECTED, SesEmailGateway.classify(status(400)));
        assertEquals(DeliveryFailure.TEMPLATE_MISSING, SesEmailGateway.classify(status(404)));
        assertEquals(DeliveryFailure.NOT_ALLOWED, SesEmailGateway.classify(AccountSuspendedException.builder().statusCode(400).build()));
        assertEquals(DeliveryFailure.NOT_ALLOWED, SesEmailGateway.classify(status(403)));
        assertEquals(DeliveryFailure.FAILED, SesEmailGateway.classify(status(500)));
        assertEquals(DeliveryFailure.FAILED, SesEmailGateway.classify(status(503)));
        assertEquals(DeliveryFailure.UNREACHABLE, SesEmailGateway.classify(SdkClientException.builder()
                .message("Unable to execute HTTP request").cause(new ConnectException("Connection refused")).build()));
        assertEquals(DeliveryFailure.UNREACHABLE, SesEmailGateway.classify(ApiCallTimeoutException.create(6000)));
        assertEquals(DeliveryFailure.FAILED, SesEmailGateway.classify(SdkClientException.create("Unable to load region")));
    }

    private static SdkException status(int status) {
        // what aws-ses-v2-local's errors become: no error code the SDK maps, only the status
        return SesV2Exception.builder().statusCode(status).message("Service returned HTTP status code " + status).build();
    }

    @Test
    void templateAnswersAreCachedPerContainerForTheConfiguredAge() {
        assertTrue(gateway.templateExists("RoomInvitation"));
        assertTrue(gateway.templateExists("RoomInvitation"));
        assertEquals(1, ses.lookups.size());
        ses.templateExists = false;
        clock.advance(Duration.ofSeconds(59));
        assertTrue(gateway.templateExists("RoomInvitation"));
        clock.advance(Duration.ofSeconds(2));
        assertFalse(gateway.templateExists("RoomInvitation"));
        assertFalse(gateway.templateExists("RoomInvitation"));
        assertEquals(2, ses.lookups.size());
        assertFalse(gateway.templateExists(null));
        assertEquals(2, ses.lookups.size());
    }

    @Test
    void aLookupByStatus404MeansMissing() {
        ses.lookupFailure = () -> status(404);
        assertFalse(gateway.templateExists("Gone"));
    }

    @Test
    void aTemplateThisFunctionMayNotReadIsNotOffered() {
        // the function's role allows only the deployed template name: another name in the settings is refused
        ses.lookupFailure = () -> SesV2Exception.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build();
        assertFalse(gateway.templateExists("SomeOtherTemplate"));
    }

    @Test
    void whenSesCannotBeAskedTheLastAnswerStandsAndWithNoneSendingIsOffered() {
        assertTrue(gateway.templateExists("Known"));
        ses.lookupFailure = () -> SdkClientException.builder().cause(new ConnectException("refused")).build();
        clock.advance(Duration.ofSeconds(61));
        assertTrue(gateway.templateExists("Known"));
        // a template never seen: offered, so that a create keeps the invite and reports the failed send
        assertTrue(gateway.templateExists("NeverSeen"));
        int asked = ses.lookups.size();
        assertTrue(gateway.templateExists("NeverSeen"));
        assertEquals(asked, ses.lookups.size(), "not asked again within the error back-off");
        clock.advance(SesEmailGateway.RECHECK_AFTER_ERROR);
        ses.lookupFailure = null;
        ses.templateExists = false;
        assertFalse(gateway.templateExists("NeverSeen"));
    }

    @Test
    void aTemplateDeletedAfterTheSettingsWereSavedFailsTheSendAndIsNoLongerOffered() {
        assertTrue(gateway.templateExists("RoomInvitation"));
        ses.templateExists = false;
        ses.sendFailure = () -> status(404);
        SendOutcome out = gateway.send("guest@example.org", "RoomInvitation", data());
        assertEquals(DeliveryFailure.TEMPLATE_MISSING.reason(), out.error());
        assertFalse(gateway.templateExists("RoomInvitation"), "the failed send refreshed the cached answer");
    }

    @Test
    void aMissingConfigurationSetIsNotReportedAsAMissingTemplate() {
        ses.sendFailure = () -> status(404);
        SendOutcome out = gateway.send("guest@example.org", "RoomInvitation", data());
        assertEquals(DeliveryFailure.NOT_ALLOWED.reason(), out.error());
        assertTrue(gateway.templateExists("RoomInvitation"));
    }

    @Test
    void ensureTemplateCreatesOnlyWhatIsMissing() {
        ses.templateExists = false;
        assertTrue(SesEmailGateway.ensureTemplate(ses, EmailTemplate.defaultInvitation()));
        assertEquals("RoomInvitation", ses.creates.getFirst().templateName());
        assertFalse(SesEmailGateway.ensureTemplate(ses, EmailTemplate.defaultInvitation()));
        assertEquals(1, ses.creates.size());
    }

    @Test
    void retriesAndTimeoutsStayWellInsideApiGatewaysThirtySeconds() {
        // the create function's timeout is 10 s and API Gateway's 30 s: SES may take at most a lookup plus a send
        Duration worst = SesEmailGateway.LOOKUP_TIMEOUT.plus(SesEmailGateway.SEND_TIMEOUT);
        assertTrue(worst.compareTo(Duration.ofSeconds(7)) <= 0, worst.toString());
        assertTrue(SesEmailGateway.ATTEMPT_TIMEOUT.compareTo(SesEmailGateway.SEND_TIMEOUT) < 0);
        assertTrue(SesEmailGateway.MAX_ATTEMPTS <= 3);
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-23T19:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
