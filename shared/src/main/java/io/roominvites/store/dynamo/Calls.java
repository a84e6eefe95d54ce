package io.roominvites.store.dynamo;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How every store of this package calls DynamoDB: what a failure means (certain, or unknown for a write), the
 * back-off between tries, and which cancelled transactions may pass when tried again.
 */
final class Calls {
    private Calls() {
    }

    /**
     * True when a cancelled transaction may pass if tried again: another transaction held one of its items
     * ({@code TransactionConflict}) or an item was throttled. Nothing of a cancelled transaction was written.
     */
    static boolean retryable(List<CancellationReason> reasons) {
        for (CancellationReason r : reasons) {
            String code = r.code();
            if ("TransactionConflict".equals(code) || "ThrottlingError".equals(code)
                    || "ProvisionedThroughputExceeded".equals(code)) {
                return true;
            }
        }
        return false;
    }

    static void backoff(int attempt) {
        try {
            Thread.sleep(10L * attempt + java.util.concurrent.ThreadLocalRandom.current().nextInt(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs a DynamoDB call that changes nothing, turning an outage or throttling into SERVICE_UNAVAILABLE (never a
     * 500): nothing was changed by it.
     */
    static <T> T call(Supplier<T> op) {
        try {
            return op.get();
        } catch (ConditionalCheckFailedException | TransactionCanceledException expected) {
            throw expected;
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Runs a DynamoDB write. A refusal (a failed condition, a cancelled transaction, a throttle) is certain: nothing
     * was written. A time-out, a lost connection or a 5xx is not: the write may have landed, and the 503 says so.
     */
    static <T> T write(Supplier<T> op) {
        try {
            return op.get();
        } catch (ConditionalCheckFailedException | TransactionCanceledException expected) {
            throw expected;
        } catch (RuntimeException e) {
            if (outcomeUnknown(e)) {
                throw InviteException.outcomeUnknown();
            }
            throw translate(e);
        }
    }

    /** True when a failed write may nevertheless have been applied. */
    static boolean outcomeUnknown(Throwable e) {
        if (e instanceof SdkClientException) {
            return true; // a time-out or a connection lost while or after sending: the write may have arrived
        }
        if (e instanceof SdkServiceException se) {
            return se.statusCode() >= 500 || "TransactionInProgressException".equals(errorCode(se));
        }
        return false;
    }

    private static String errorCode(SdkServiceException se) {
        if (!(se instanceof software.amazon.awssdk.awscore.exception.AwsServiceException e)) {
            return null;
        }
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** DynamoDB's answers that refuse a request for the load it puts on the table: nothing was applied. */
    private static final Set<String> THROTTLES = Set.of("ThrottlingException", "ProvisionedThroughputExceededException",
            "RequestLimitExceeded", "Throttling", "TooManyRequestsException");

    private static RuntimeException translate(Throwable e) {
        if (e instanceof InviteException ie) {
            return ie;
        }
        if (e instanceof SdkServiceException se && THROTTLES.contains(errorCode(se))) {
            return new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }
        if (e instanceof DynamoDbException de && de.statusCode() == 400 && !de.isThrottlingException()) {
            // a request the table refused: a bug in this code, not a client's fault
            return de;
        }
        if (e instanceof SdkClientException || e instanceof SdkServiceException) {
            return new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }
        return e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
}
