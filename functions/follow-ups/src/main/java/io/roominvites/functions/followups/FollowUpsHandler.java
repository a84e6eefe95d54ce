package io.roominvites.functions.followups;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.roominvites.app.App;
import io.roominvites.aws.Config;
import io.roominvites.emailqueue.SqsEmailQueue;
import io.roominvites.emailqueue.SqsFollowUpQueue;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.QueueMessages;
import io.roominvites.metrics.Metrics;
import io.roominvites.service.FollowUps;

import java.util.Map;

/**
 * The follow-up queue's consumer: each SQS message is one fan-out ({@link FollowUps#fanOut}) of a room's calendar
 * update, cancellation or reminder (the last sent by the room's EventBridge Scheduler schedule) into one email job per
 * invite that should get it, handed to the email queue, whose consumer claims and sends each once. A fan-out that ran
 * out of its budget hands the rest back to this queue; a redelivered message hands the same jobs again (their claims
 * keep each email to one). Built once per container, at init.
 */
public final class FollowUpsHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final FollowUps FOLLOW_UPS = LambdaApi.init(() -> App.followUpsFromConfig(Config.fromEnvironment(),
            SqsEmailQueue::fromConfig, SqsFollowUpQueue::fromConfig, null));

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        long started = System.nanoTime();
        QueueMessages.Outcome outcome = QueueMessages.handle(event, FOLLOW_UPS::fanOut);
        Metrics.request("FOLLOW_UPS", outcome.failed().isEmpty() ? "OK" : "PARTIAL_FAILURE",
                outcome.failed().isEmpty() ? 200 : 500, (System.nanoTime() - started) / 1e6);
        return QueueMessages.response(outcome.failed());
    }
}
