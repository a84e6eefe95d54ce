package io.roominvites.it.sim;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * DynamoDB Local in-process, under the SDK's own pipeline: the service's client keeps its interceptors
 * ({@link FaultyDynamo}), its retry strategy and its exceptions, but the call is not sent over HTTP: this interceptor
 * (registered last) hands the request as the SDK built it to DynamoDB Local's embedded client before transmission and
 * puts its answer in place of the transport's empty one. An error of DynamoDB Local is thrown where the SDK would
 * unmarshal it, so the SDK's retry strategy and the other interceptors see it as they see an answer from the wire
 * (one seed gives the same trace on either transport: {@code -Dsim.transport=http}).
 *
 * <p>Why: DynamoDB Local's HTTP front (Jetty and its JSON mapping) costs about 2 ms a call on this machine, the
 * embedded client about 0.3 ms; a seed makes ~700 calls, and the many-seed run needs them cheap.
 */
final class EmbeddedDynamo implements ExecutionInterceptor, SdkHttpClient {
    /** No request leaves the process: the endpoint is only a name. */
    static final URI ENDPOINT = URI.create("http://embedded-dynamodb.invalid");
    private static final ExecutionAttribute<SdkResponse> ANSWER = new ExecutionAttribute<>("embedded-answer");
    private static final ExecutionAttribute<RuntimeException> ERROR = new ExecutionAttribute<>("embedded-error");
    private static final ExecutionAttribute<String> TOKEN = new ExecutionAttribute<>("embedded-client-token");
    private final java.util.concurrent.atomic.AtomicLong tokens = new java.util.concurrent.atomic.AtomicLong();
    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);

    private final AmazonDynamoDBLocal local = DynamoDBEmbedded.create();
    /** Direct calls, with no SDK pipeline and no faults: the checks' view of the table. */
    final DynamoDbClient direct = local.dynamoDbClient();
    final DynamoDbStreamsClient streams = local.dynamoDbStreamsClient();

    /**
     * The SDK gives a TransactWriteItems without a ClientRequestToken one when it marshals it, the same on every attempt
     * of one call: DynamoDB then answers a retry of a transaction that landed as a success. The request object has no
     * token, so one is given here, once a call.
     */
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(TOKEN, "sim-" + tokens.incrementAndGet());
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(ANSWER, null);
        attributes.putAttribute(ERROR, null);
        SdkRequest request = context.request();
        if (request instanceof TransactWriteItemsRequest t && t.clientRequestToken() == null) {
            request = t.toBuilder().clientRequestToken(attributes.getAttribute(TOKEN)).build();
        }
        try {
            attributes.putAttribute(ANSWER, call(request));
        } catch (RuntimeException e) {
            attributes.putAttribute(ERROR, e);
        }
    }

    /**
     * An error answer is thrown where the SDK would unmarshal it: after every interceptor's afterTransmission, as
     * over HTTP (a time-out injected after transmission hides a conditional failure of the same attempt).
     */
    @Override
    public void beforeUnmarshalling(Context.BeforeUnmarshalling context, ExecutionAttributes attributes) {
        RuntimeException e = attributes.getAttribute(ERROR);
        if (e != null) {
            throw e;
        }
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        SdkResponse answer = attributes.getAttribute(ANSWER);
        return answer != null ? answer : context.response();
    }

    private SdkResponse call(SdkRequest request) {
        return switch (request) {
            case GetItemRequest r -> direct.getItem(r);
            case PutItemRequest r -> direct.putItem(r);
            case UpdateItemRequest r -> direct.updateItem(r);
            case DeleteItemRequest r -> direct.deleteItem(r);
            case QueryRequest r -> direct.query(r);
            case ScanRequest r -> direct.scan(r);
            case BatchGetItemRequest r -> direct.batchGetItem(r);
            case BatchWriteItemRequest r -> direct.batchWriteItem(r);
            case TransactWriteItemsRequest r -> direct.transactWriteItems(r);
            case TransactGetItemsRequest r -> direct.transactGetItems(r);
            case CreateTableRequest r -> direct.createTable(r);
            case DeleteTableRequest r -> direct.deleteTable(r);
            case DescribeTableRequest r -> direct.describeTable(r);
            case UpdateTableRequest r -> direct.updateTable(r);
            case UpdateTimeToLiveRequest r -> direct.updateTimeToLive(r);
            case DescribeTimeToLiveRequest r -> direct.describeTimeToLive(r);
            case ListTablesRequest r -> direct.listTables(r);
            default -> throw new IllegalStateException("EmbeddedDynamo does not pass on " + request.getClass().getSimpleName());
        };
    }

    /** The transport: the call was made before transmission; the SDK gets an empty 200 to unmarshal. */
    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder().statusCode(200)
                                .putHeader("Content-Type", "application/x-amz-json-1.0")
                                .putHeader("Content-Length", Integer.toString(EMPTY.length)).build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(EMPTY)))
                        .build();
            }

            @Override
            public void abort() {
                // nothing is in flight
            }
        };
    }

    @Override
    public String clientName() {
        return "embedded-dynamodb";
    }

    @Override
    public void close() {
        local.shutdown();
    }
}
