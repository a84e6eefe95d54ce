package io.roominvites.it.support;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.ArrayList;
import java.util.List;

/** Counts the AWS calls a client makes (by operation name), to hold requests to their round-trip budget. */
public final class CallCounter implements ExecutionInterceptor {
    private final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    public void reset() {
        calls.clear();
    }

    /** The calls since the last reset, like {@code ["DynamoDb:UpdateItem"]}. */
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }
}
