package io.roominvites.events;

import io.roominvites.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SesNotificationTest {
    private static Map<String, Object> event(String detailJson) throws Exception {
        return Json.parseObject("{\"source\":\"aws.ses\",\"detail-type\":\"x\",\"detail\":" + detailJson + "}");
    }

    private static final String MAIL = "\"mail\":{\"timestamp\":\"2026-11-23T19:30:00.512Z\",\"messageId\":\"m-1\","
            + "\"destination\":[\"gia.guest@example.org\"]}";

    @Test
    void aPermanentNoEmailBounceIsAMailboxThatDoesNotExist() throws Exception {
        SesNotification n = SesNotification.parse(event("{\"eventType\":\"Bounce\"," + MAIL + ",\"bounce\":{"
                + "\"bounceType\":\"Permanent\",\"bounceSubType\":\"NoEmail\",\"timestamp\":\"2026-11-23T19:30:02.871Z\"}}"));
        assertEquals(new SesNotification("m-1", "BOUNCED", Instant.parse("2026-11-23T19:30:02.871Z"),
                "mailbox does not exist"), n);
    }

    @Test
    void deliveryComplaintAndDelay() throws Exception {
        assertEquals("DELIVERED", SesNotification.parse(event("{\"eventType\":\"Delivery\"," + MAIL
                + ",\"delivery\":{\"timestamp\":\"2026-11-23T19:30:02Z\"}}")).type());
        SesNotification c = SesNotification.parse(event("{\"eventType\":\"Complaint\"," + MAIL
                + ",\"complaint\":{\"timestamp\":\"2026-11-23T19:41:17Z\",\"complaintFeedbackType\":\"abuse\"}}"));
        assertEquals("COMPLAINED", c.type());
        assertEquals("marked as spam (abuse)", c.reason());
        SesNotification d = SesNotification.parse(event("{\"eventType\":\"DeliveryDelay\"," + MAIL
                + ",\"deliveryDelay\":{\"timestamp\":\"2026-11-23T19:30:40Z\",\"delayType\":\"MailboxFull\"}}"));
        assertEquals("DELAYED", d.type());
        assertEquals("mailbox full, still trying", d.reason());
        SesNotification t = SesNotification.parse(event("{\"eventType\":\"Bounce\"," + MAIL + ",\"bounce\":{"
                + "\"bounceType\":\"Transient\",\"bounceSubType\":\"MailboxFull\"}}"));
        assertEquals("mailbox full (temporary)", t.reason());
        assertEquals(Instant.parse("2026-11-23T19:30:00.512Z"), t.at(), "no bounce time: the mail's");
    }

    @Test
    void otherSesEventsAreNotReportsAndAnythingElseIsRefused() throws Exception {
        assertNull(SesNotification.parse(event("{\"eventType\":\"Open\"," + MAIL + "}")));
        assertThrows(IllegalArgumentException.class, () -> SesNotification.parse(Map.of("hello", "world")));
        assertThrows(IllegalArgumentException.class, () -> SesNotification.parse(event("{\"eventType\":\"Bounce\"}")));
    }
}
