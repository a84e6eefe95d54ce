package io.roominvites.functions.erasure;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.roominvites.app.App;
import io.roominvites.aws.Config;
import io.roominvites.emailqueue.SqsErasureQueue;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.QueueMessages;
import io.roominvites.metrics.Metrics;
import io.roominvites.service.ErasureJobs;
import io.roominvites.service.Erasures;

import java.util.Map;

/**
 * The erasure queue's consumer: each SQS message is one run of an erasure's job ({@link Erasures#run}), which goes on
 * until the erasure is done or its time budget is spent (then it hands the rest back to the same queue). Every step is
 * idempotent, so a redelivered message, or one given back after a failure, resumes where the last run stopped; past
 * maxReceiveCount it moves to the dead-letter queue (an alarm), and the same erasure request resumes it. Built once
 * per container, at init.
 */
public final class ErasureHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Erasures ERASURES = LambdaApi.init(
            () -> App.erasuresFromConfig(Config.fromEnvironment(), SqsErasureQueue::fromConfig));

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        long started = System.nanoTime();
        QueueMessages.Outcome outcome = QueueMessages.handle(event, body -> ERASURES.run(ErasureJobs.erasureId(body)));
        Metrics.request("ERASURE", outcome.failed().isEmpty() ? "OK" : "PARTIAL_FAILURE",
                outcome.failed().isEmpty() ? 200 : 500, (System.nanoTime() - started) / 1e6);
        return QueueMessages.response(outcome.failed());
    }
}
