package io.roominvites.app;

import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.time.Duration;

/**
 * The AWS SDK clients, built once per container, at init (never on a request). One synchronous HTTP
 * client for all of them, chosen by measurement (bench/results/latest.md: warm latency against cold
 * start and artifact size); each function jar carries exactly that one HTTP client. Region,
 * credentials and endpoint overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB, ...) come from the
 * standard environment.
 */
public final class AwsClients {
    /** Connect timeout: a healthy regional endpoint answers in milliseconds. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

    private static SdkHttpClient http;
    private static DynamoDbClient dynamoDb;

    private AwsClients() {
    }

    /** The container's one HTTP client, shared by every SDK client. */
    public static synchronized SdkHttpClient httpClient() {
        if (http == null) {
            http = UrlConnectionHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(SOCKET_TIMEOUT)
                    .build();
        }
        return http;
    }

    static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofSeconds(10))
                .apiCallAttemptTimeout(Duration.ofSeconds(4))
                .build();
    }

    /** The container's DynamoDB client (one per container: the store, priming and the benchmark share it). */
    public static synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = DynamoDbClient.builder().httpClient(httpClient()).overrideConfiguration(overrides()).build();
        }
        return dynamoDb;
    }

    /** A DynamoDB client with the functions' settings on another HTTP client (for the benchmark's comparison). */
    public static DynamoDbClient dynamoDb(SdkHttpClient httpClient) {
        return DynamoDbClient.builder().httpClient(httpClient).overrideConfiguration(overrides()).build();
    }

    /** One Secrets Manager read at init; the client is closed right after (it is never needed again). */
    static String secretString(String secretId) {
        try {
            return Secrets.read(secretId);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("This function's jar was built without the Secrets Manager client, but its "
                    + "operations sign tokens: add software.amazon.awssdk:secretsmanager to its shaded jar", e);
        }
    }

    /**
     * Kept apart so that the Secrets Manager classes are linked only by the functions that read the
     * signing keys (the others leave them out of their jars).
     */
    private static final class Secrets {
        static String read(String secretId) {
            try (SecretsManagerClient sm = SecretsManagerClient.builder().httpClient(httpClient())
                    .overrideConfiguration(overrides()).build()) {
                return sm.getSecretValue(b -> b.secretId(secretId)).secretString();
            }
        }
    }
}
