package io.roominvites.it.email;

import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.lambda.QueueMessages;
import io.roominvites.testing.Backend;
import io.roominvites.testing.StoredEmail;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The email queue's Lambda consumer (EmailQueueFunction) as SQS invokes it: an SQS event of the bulk batch's
 * messages, each sent through {@link QueueMessages} and the app's {@code QueuedEmails}. A message that fails is given
 * back as a batch item failure while the others go out; a redelivered message sends nothing twice.
 */
class EmailQueueConsumerTest extends ServiceTest {

    @Override
    protected Service createService(Backend backend) throws Exception {
        return new Service(backend, new SesEmailGateway(EmailSupport.preparedSesClient(backend), EmailSupport.FROM, null,
                Duration.ofSeconds(60), java.time.Clock.systemUTC()));
    }

    @Override
    protected void afterStart() {
        service.settings(true, EmailTemplate.DEFAULT_NAME, List.of(), 1440);
    }

    private static Map<String, Object> record(String messageId, String body) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("messageId", messageId);
        r.put("receiptHandle", "rh-" + messageId);
        r.put("body", body);
        r.put("eventSource", "aws:sqs");
        return r;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> invoke(List<Map<String, Object>> records) {
        QueueMessages.Outcome outcome = QueueMessages.handle(Map.of("Records", records),
                service.services().app().queuedEmails()::sendMessage);
        return QueueMessages.response(outcome.failed());
    }

    @Test
    void aFailingMessageIsGivenBackWhileTheOthersAreSentOnceAndARedeliveryIsNotSentAgain() {
        String room = Service.roomId("queue-consumer");
        service.room(room, Duration.ofMinutes(30));
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> to = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            to.add(EmailSupport.uniqueEmail("consumer" + i));
            rows.add(Map.of("email", to.get(i), "firstName", "Queued", "lastName", "Guest", "role", "VIEWER"));
        }
        Service.Response r = service.bulk(room, Map.of("invites", rows, "sendEmail", true), Map.of()).expect(200);
        List<String> messages = service.services().emailQueue().pending();
        assertEquals(2, messages.size(), "60 emails, 50 jobs a message");

        Map<String, Object> answer = invoke(List.of(record("m-1", messages.get(0)), record("m-bad", "{\"jobs\":\"no\"}"),
                record("m-2", messages.get(1))));
        assertEquals(List.of(Map.of("itemIdentifier", "m-bad")), answer.get("batchItemFailures"),
                "only the unreadable message goes back to the queue");
        for (String email : to) {
            assertEquals(1, EmailSupport.mailTo(backend, email).size(), "sent once: " + email);
        }

        // SQS delivers at least once: both messages again (as after a lost delete) send nothing more
        Map<String, Object> again = invoke(List.of(record("m-1", messages.get(0)), record("m-2", messages.get(1))));
        assertEquals(List.of(), again.get("batchItemFailures"));
        for (int i = 0; i < to.size(); i++) {
            List<StoredEmail> mail = EmailSupport.mailTo(backend, to.get(i));
            assertEquals(1, mail.size(), "still sent once: " + to.get(i));
            String id = (String) ((Map<?, ?>) r.list("results").get(i).get("invite")).get("inviteId");
            @SuppressWarnings("unchecked")
            Map<String, Object> delivery = (Map<String, Object>) service.listed(room, id).get("emailDelivery");
            assertEquals("SENT", delivery.get("status"), delivery::toString);
            assertEquals(1L, ((Number) delivery.get("attempts")).longValue());
        }
    }
}
