package io.roominvites.functions.inviteevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.roominvites.app.AwsClients;
import io.roominvites.app.Config;
import io.roominvites.eventbus.EventBridgePublisher;
import io.roominvites.lambda.StreamRecords;
import io.roominvites.service.EventRelay;
import io.roominvites.store.dynamo.DynamoInviteStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The table's change stream in, lifecycle events out (EventBridge, and each invite's history). Reports the records it
 * could not handle as batch item failures, so the stream delivers them again and, past the retries, to the failure
 * destination; the others of the batch are not delivered again. Built once per container, at init.
 */
public final class InviteEventsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private static final EventRelay RELAY = relay(Config.fromEnvironment());

    static EventRelay relay(Config config) {
        String table = config.required(Config.TABLE_NAME, "the DynamoDB table");
        String bus = EventBridgePublisher.busName(config);
        config.validate();
        return new EventRelay(new DynamoInviteStore(AwsClients.dynamoDb(), table), EventBridgePublisher.create(bus));
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<EventRelay.Change> changes = StreamRecords.changes(event);
        EventRelay.Outcome outcome = RELAY.relay(changes);
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>(outcome.failed().size());
        for (String id : outcome.failed()) {
            failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(id).build());
        }
        System.out.println("{\"event\":\"relayed\",\"records\":" + changes.size() + ",\"published\":"
                + outcome.published().size() + ",\"failed\":" + failures.size() + ",\"unreadable\":"
                + outcome.unreadable() + "}");
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }
}
