package io.roominvites.functions.inviteevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.roominvites.app.App;
import io.roominvites.aws.AwsClients;
import io.roominvites.aws.Config;
import io.roominvites.eventbus.EventBridgePublisher;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.StreamRecords;
import io.roominvites.metrics.Metrics;
import io.roominvites.emailqueue.SqsEmailQueue;
import io.roominvites.emailqueue.SqsFollowUpQueue;
import io.roominvites.eventbus.SchedulerReminderSchedules;
import io.roominvites.service.EventRelay;
import io.roominvites.service.FollowUps;
import io.roominvites.store.dynamo.DynamoInviteStore;
import io.roominvites.store.dynamo.DynamoRoomRetirement;

import java.util.List;
import java.util.Map;

/**
 * The table's change stream in (a DynamoDB stream event, see {@link StreamRecords}), lifecycle events out
 * (EventBridge, and each invite's history), and the follow-ups a change starts (calendar updates and cancellations
 * to the follow-up and email queues, reminder schedules on EventBridge Scheduler: {@link FollowUps}); a room whose retire marker DynamoDB's TTL removed is retired (its
 * invites, their history, its gates and its item deleted: docs/lifetimes.md). Answers the records it could not handle as batch item failures
 * ({@code ReportBatchItemFailures}), so the stream delivers them again and, past the retries, to the failure
 * destination; the rest of the batch is handled all the same. Built once per container, at init.
 */
public final class InviteEventsHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final EventRelay RELAY = LambdaApi.init(() -> relay(Config.fromEnvironment()));

    static EventRelay relay(Config config) {
        String table = config.required(Config.TABLE_NAME, "the DynamoDB table");
        String bus = EventBridgePublisher.busName(config);
        String namespace = App.metricsNamespace(config);
        config.validate();
        Metrics.enable(namespace);
        // calendar updates, cancellations and reminder schedules, where the follow-up queue is configured
        String followUpQueue = config.raw(Config.FOLLOW_UP_QUEUE_URL);
        FollowUps followUps = followUpQueue == null || followUpQueue.isBlank() ? null
                : App.followUpsFromConfig(config, SqsEmailQueue::fromConfig, SqsFollowUpQueue::fromConfig,
                SchedulerReminderSchedules::fromConfig);
        return new EventRelay(new DynamoInviteStore(AwsClients.dynamoDb(), table), EventBridgePublisher.create(bus),
                new DynamoRoomRetirement(AwsClients.dynamoDb(), table), followUps);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        long started = System.nanoTime();
        List<EventRelay.Change> changes = StreamRecords.changes(event);
        EventRelay.Outcome outcome = RELAY.relay(changes);
        // one metric line a batch: a batch with records given back to the stream counts as a server error
        Metrics.request("INVITE_EVENTS", outcome.failed().isEmpty() ? "OK" : "PARTIAL_FAILURE",
                outcome.failed().isEmpty() ? 200 : 500, (System.nanoTime() - started) / 1e6);
        System.out.println("{\"event\":\"relayed\",\"records\":" + changes.size() + ",\"published\":"
                + outcome.published().size() + ",\"failed\":" + outcome.failed().size() + ",\"unreadable\":"
                + outcome.unreadable() + "}");
        return StreamRecords.response(outcome.failed());
    }
}
