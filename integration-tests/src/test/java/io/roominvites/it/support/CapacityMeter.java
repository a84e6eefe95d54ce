package io.roominvites.it.support;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;

import java.util.concurrent.atomic.DoubleAdder;

/** Sums the write capacity DynamoDB reports for transactions that ask for it (the bulk writes do). */
public final class CapacityMeter implements ExecutionInterceptor {
    private final DoubleAdder units = new DoubleAdder();

    @Override
    public void afterUnmarshalling(Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
        if (context.response() instanceof TransactWriteItemsResponse r && r.hasConsumedCapacity()) {
            for (ConsumedCapacity c : r.consumedCapacity()) {
                if (c.capacityUnits() != null) {
                    units.add(c.capacityUnits());
                }
            }
        }
    }

    public void reset() {
        units.reset();
    }

    /** Capacity units reported since the last reset. */
    public double units() {
        return units.sum();
    }
}
