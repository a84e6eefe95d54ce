package io.roominvites.it.faults;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fails the k-th call (SDK execution) of one AWS service, counted from {@link #arm}, with one {@link Fault}: on
 * the call's first attempt only (the SDK's retries may heal it) or on every attempt (they can't). Added to the
 * DynamoDB and SES clients of the service under test; counts every call and attempt either way.
 *
 * <p>Faults before sending (throttling, a 500, a connection reset) never reach the backend; a time-out is
 * raised after the backend has answered, so the write it carried did land: the answer was lost on the way back.
 */
final class FaultInjector implements ExecutionInterceptor {
    /** How a call fails. */
    enum Fault {
        /** The service throttles (DynamoDB ThrottlingException, SES TooManyRequestsException); nothing is applied. */
        THROTTLING(false),
        /** HTTP 500 InternalServerError (DynamoDB InternalServerError, SES InternalFailure); nothing is applied. */
        SERVER_ERROR(false),
        /** The connection is reset while the request is sent; nothing reaches the service. */
        CONNECTION_RESET(false),
        /** The request is applied, then its answer times out (read time-out): the caller can't tell it landed. */
        TIMEOUT(true);

        final boolean afterSend;

        Fault(boolean afterSend) {
            this.afterSend = afterSend;
        }

        SdkException exception(String service) {
            return switch (this) {
                case THROTTLING -> AwsServiceException.builder().statusCode(service.equals("DynamoDb") ? 400 : 429)
                        .message("injected throttling")
                        .awsErrorDetails(AwsErrorDetails.builder().serviceName(service)
                                .errorCode(service.equals("DynamoDb") ? "ThrottlingException" : "TooManyRequestsException")
                                .errorMessage("Rate exceeded (injected)").build())
                        .build();
                case SERVER_ERROR -> AwsServiceException.builder().statusCode(500).message("injected 500")
                        .awsErrorDetails(AwsErrorDetails.builder().serviceName(service)
                                .errorCode(service.equals("DynamoDb") ? "InternalServerError" : "InternalFailure")
                                .errorMessage("Internal server error (injected)").build())
                        .build();
                case CONNECTION_RESET -> SdkClientException.builder().message("Unable to execute HTTP request: Connection reset")
                        .cause(new SocketException("Connection reset (injected)")).build();
                case TIMEOUT -> SdkClientException.builder().message("Unable to execute HTTP request: Read timed out")
                        .cause(new SocketTimeoutException("Read timed out (injected)")).build();
            };
        }
    }

    /** On the first attempt of the call only, or on every attempt. */
    enum Span { ONCE, EVERY_ATTEMPT }

    private static final ExecutionAttribute<Integer> CALL = new ExecutionAttribute<>("fault-injector-call");
    private static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("fault-injector-attempts");

    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private volatile String service;
    private volatile int target;
    private volatile Fault fault;
    private volatile Span span;
    private final AtomicInteger counted = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();

    /** From now on, fail the {@code k}-th call (1-based) to {@code service} ("DynamoDb" or "SesV2"). */
    synchronized void arm(String service, int k, Fault fault, Span span) {
        reset();
        this.service = service;
        this.target = k;
        this.fault = fault;
        this.span = span;
    }

    /** Counts only (no fault), from now on. */
    synchronized void reset() {
        calls.clear();
        counted.set(0);
        injected.set(0);
        this.fault = null;
        this.service = null;
        this.target = 0;
    }

    /** The calls since the last arm or reset, like {@code "DynamoDb:UpdateItem"}. */
    List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    long callsTo(String svc) {
        return calls().stream().filter(c -> c.startsWith(svc + ":")).count();
    }

    /** How many attempts were failed since the last arm. */
    int injected() {
        return injected.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String svc = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        calls.add(svc + ":" + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        if (svc.equals(service)) {
            attributes.putAttribute(CALL, counted.incrementAndGet());
        }
        attributes.putAttribute(ATTEMPTS, new AtomicInteger());
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        int attempt = attributes.getAttribute(ATTEMPTS).incrementAndGet();
        Fault f = fault;
        if (f != null && !f.afterSend && hits(attributes, attempt)) {
            injected.incrementAndGet();
            throw f.exception(service);
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        Fault f = fault;
        if (f != null && f.afterSend && hits(attributes, attributes.getAttribute(ATTEMPTS).get())) {
            injected.incrementAndGet();
            throw f.exception(service);
        }
    }

    private boolean hits(ExecutionAttributes attributes, int attempt) {
        Integer call = attributes.getAttribute(CALL);
        return call != null && call == target && (span == Span.EVERY_ATTEMPT || attempt == 1);
    }
}
