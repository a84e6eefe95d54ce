package io.roominvites.it.sim;

import io.roominvites.local.DynamoDbLocalServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.net.URI;

/**
 * What every seed shares: one DynamoDB Local (each seed has a table of its own, deleted after it), the service's
 * transport to it, a DynamoDB client without faults (the checks read the store as it is) and a streams client.
 *
 * <p>By default DynamoDB Local runs embedded ({@link EmbeddedDynamo}: the service's SDK client keeps its whole
 * pipeline, the call skips HTTP); {@code -Dsim.transport=http} runs it as a server on a loopback port, as the rest of
 * the suite does (about 3x slower a seed).
 */
final class SimInfra implements AutoCloseable {
    /**
     * DynamoDB Local keeps a deleted table's stream in its metadata and reads it on every write: a fresh one for every
     * seed (measured over seeds 400-411 on one worker: 24 s with a fresh one a seed, 33 s every 5th seed, 65 s every
     * 20th; starting an embedded one costs less than the metadata it saves). {@code -Dsim.tablesPerServer=N} to compare.
     */
    static final int TABLES_PER_SERVER = Integer.getInteger("sim.tablesPerServer", 1);
    static final boolean HTTP = "http".equals(System.getProperty("sim.transport"));
    /** One identity provider key for every seed (a new RSA key per seed took a sixth of a seed's time). */
    final com.nimbusds.jose.jwk.RSAKey identityKey = io.roominvites.tokens.LocalIdentityProvider.newKey();
    URI endpoint;
    SdkHttpClient http;
    DynamoDbClient raw;
    DynamoDbStreamsClient streams;
    /** The interceptor the service's client must have last (embedded only), else null. */
    ExecutionInterceptor transport;
    private DynamoDbLocalServer server;
    private EmbeddedDynamo embedded;
    private int tables;

    SimInfra() {
        start();
    }

    private void start() {
        if (!HTTP) {
            embedded = new EmbeddedDynamo();
            endpoint = EmbeddedDynamo.ENDPOINT;
            http = embedded;
            transport = embedded;
            raw = embedded.direct;
            streams = embedded.streams;
            return;
        }
        this.server = DynamoDbLocalServer.launch();
        this.endpoint = server.endpoint();
        this.http = ApacheHttpClient.builder().maxConnections(16).build();
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        this.raw = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(creds)
                .httpClient(http).build();
        this.streams = DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(creds).httpClient(http).build();
    }

    int nextTable() {
        if (tables > 0 && tables % TABLES_PER_SERVER == 0) {
            close();
            start();
        }
        return ++tables;
    }

    /** The SDK's standard retries (3 attempts), at once: the simulation's faults are answers, not waits. */
    static void quickRetries(ClientOverrideConfiguration.Builder c) {
        c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(3)
                .backoffStrategy(BackoffStrategy.retryImmediately())
                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                .circuitBreakerEnabled(false)
                .build());
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
            embedded = null;
            return;
        }
        streams.close();
        raw.close();
        http.close();
        server.close();
    }
}
