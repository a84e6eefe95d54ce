package io.roominvites.lambda;

import io.roominvites.logging.Log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An SQS event (as the event source mapping delivers it, taken as a JSON object like {@link StreamRecords} takes a
 * stream event: no event classes on the cold-start path), handled one message at a time. A message whose handling
 * throws is answered as a batch item failure ({@code ReportBatchItemFailures}): SQS delivers it again after the
 * visibility timeout and, past the queue's maxReceiveCount, moves it to the dead-letter queue; the other messages of
 * the batch are deleted.
 */
public final class QueueMessages {
    private QueueMessages() {
    }

    /** What one batch came to: the message ids handled, and those given back to the queue. */
    public record Outcome(int handled, List<String> failed) {
    }

    /** Hands each message's body to {@code handler}; answers the messages it failed on. */
    @SuppressWarnings("unchecked")
    public static Outcome handle(Map<String, Object> event, Consumer<String> handler) {
        Object records = event == null ? null : event.get("Records");
        if (!(records instanceof List<?> list)) {
            throw new IllegalArgumentException("not an SQS event (no Records)");
        }
        int handled = 0;
        List<String> failed = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> r = o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            String id = r.get("messageId") instanceof String s ? s : null;
            if (id == null) {
                throw new IllegalArgumentException("an SQS record without a messageId");
            }
            try {
                handler.accept(r.get("body") instanceof String b ? b : "");
                handled++;
            } catch (RuntimeException e) {
                Log.error("email queue message failed; SQS delivers it again", Map.of("messageId", id), e);
                failed.add(id);
            }
        }
        return new Outcome(handled, failed);
    }

    /** The partial batch response: SQS delivers these messages again. */
    public static Map<String, Object> response(List<String> failedIds) {
        return StreamRecords.response(failedIds);
    }
}
