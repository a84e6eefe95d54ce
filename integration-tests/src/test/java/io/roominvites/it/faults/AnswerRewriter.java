package io.roominvites.it.faults;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Rewrites DynamoDB's answers as AWS gives them and DynamoDB Local never does: the cancellation reasons of a
 * cancelled transaction ({@code TransactionConflict} where another transaction held an item, a throttled item), or
 * an exception in place of an answer. Armed per test; counts what it rewrote.
 */
final class AnswerRewriter implements ExecutionInterceptor {
    private volatile UnaryOperator<List<CancellationReason>> reasons;
    private volatile String operation;
    private volatile RuntimeException replacement;
    private volatile boolean afterSend;
    private final AtomicInteger rewritten = new AtomicInteger();

    /** From now on, every cancelled transaction's reasons pass through {@code rewrite}. */
    void rewriteCancellations(UnaryOperator<List<CancellationReason>> rewrite) {
        this.reasons = rewrite;
    }

    /** From now on, every call of {@code op} (e.g. "TransactWriteItems") fails with {@code e}, after it was applied. */
    void failAfterApplying(String op, RuntimeException e) {
        this.afterSend = true;
        this.operation = op;
        this.replacement = e;
    }

    /** From now on, every call of {@code op} fails with {@code e} before it is sent (nothing applied). */
    void failBeforeSending(String op, RuntimeException e) {
        this.afterSend = false;
        this.operation = op;
        this.replacement = e;
    }

    void reset() {
        reasons = null;
        operation = null;
        replacement = null;
        rewritten.set(0);
    }

    int rewritten() {
        return rewritten.get();
    }

    /** The gate (the first item of a redeem's transaction) answered {@code code} instead of ConditionalCheckFailed. */
    static UnaryOperator<List<CancellationReason>> gateAnswers(String code) {
        return in -> {
            List<CancellationReason> out = new ArrayList<>(in);
            if (!out.isEmpty() && "ConditionalCheckFailed".equals(out.getFirst().code())) {
                out.set(0, CancellationReason.builder().code(code).message("rewritten as AWS may answer").build());
            }
            return out;
        };
    }

    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable e = context.exception();
        UnaryOperator<List<CancellationReason>> r = reasons;
        if (r != null && e instanceof TransactionCanceledException tce && tce.hasCancellationReasons()) {
            List<CancellationReason> changed = r.apply(tce.cancellationReasons());
            if (!changed.equals(tce.cancellationReasons())) {
                rewritten.incrementAndGet();
                return tce.toBuilder().cancellationReasons(changed).build();
            }
        }
        return e;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (!afterSend) {
            replace(attributes);
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (afterSend) {
            replace(attributes);
        }
    }

    private void replace(ExecutionAttributes attributes) {
        RuntimeException e = replacement;
        if (e != null && attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME).equals(operation)) {
            rewritten.incrementAndGet();
            throw e;
        }
    }
}
