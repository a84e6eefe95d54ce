package io.roominvites.functions.emailqueue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.roominvites.app.App;
import io.roominvites.aws.Config;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.QueueMessages;
import io.roominvites.metrics.Metrics;
import io.roominvites.service.QueuedEmails;

import java.util.Map;

/**
 * The email queue's consumer: each SQS message (a bulk batch's email jobs, see {@code SqsEmailQueue}) sent by
 * {@link QueuedEmails}, which claims each QUEUED attempt by a conditional write before sending, so a redelivered
 * message sends nothing twice. A message that fails is answered as a batch item failure (SQS tries it again, then
 * moves it to the dead-letter queue). Built once per container, at init.
 */
public final class EmailQueueHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final QueuedEmails EMAILS = LambdaApi.init(
            () -> App.queuedEmailsFromConfig(Config.fromEnvironment(), SesEmailGateway::fromConfig,
                    new io.roominvites.calendar.ical.BiweeklyCalendarWriter()));

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        long started = System.nanoTime();
        QueueMessages.Outcome outcome = QueueMessages.handle(event, EMAILS::sendMessage);
        // one metric line a batch: a batch with messages given back to the queue counts as a server error
        Metrics.request("EMAIL_QUEUE", outcome.failed().isEmpty() ? "OK" : "PARTIAL_FAILURE",
                outcome.failed().isEmpty() ? 200 : 500, (System.nanoTime() - started) / 1e6);
        System.out.println("{\"event\":\"email-queue-batch\",\"sent\":" + outcome.handled() + ",\"failed\":"
                + outcome.failed().size() + "}");
        return QueueMessages.response(outcome.failed());
    }
}
