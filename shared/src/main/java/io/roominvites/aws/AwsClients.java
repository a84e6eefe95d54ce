package io.roominvites.aws;

import io.roominvites.json.Json;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceMetadata;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;

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

    // two locks: the signing keys' GetSecretValue (on its own init thread) needs the HTTP client while this thread
    // is still building the DynamoDB client
    private static final Object HTTP_LOCK = new Object();
    private static final Object DYNAMODB_LOCK = new Object();
    private static SdkHttpClient http;
    private static DynamoDbClient dynamoDb;

    private AwsClients() {
    }

    /**
     * The container's one HTTP client, shared by every SDK client: Apache HttpClient 4, measured against the
     * URL-connection and AWS CRT clients in bench/results/latest.md (warm latency well below URL-connection's,
     * whose requests also stall on Nagle/delayed-ACK at the tail; a cold start within tens of milliseconds;
     * about 1.3 MB per jar, where the CRT client would add 19 MB of native libraries).
     */
    public static SdkHttpClient httpClient() {
        synchronized (HTTP_LOCK) {
            if (http == null) {
                http = ApacheHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT)
                        .build();
            }
            return http;
        }
    }

    public static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofSeconds(10))
                .apiCallAttemptTimeout(Duration.ofSeconds(4))
                .build();
    }

    /** The container's DynamoDB client (one per container: the store, priming and the benchmark share it). */
    public static DynamoDbClient dynamoDb() {
        SdkHttpClient httpClient = httpClient();
        synchronized (DYNAMODB_LOCK) {
            if (dynamoDb == null) {
                dynamoDb = dynamoDb(httpClient);
            }
            return dynamoDb;
        }
    }

    /** A DynamoDB client with the functions' settings on another HTTP client (for the benchmark's comparison). */
    public static DynamoDbClient dynamoDb(SdkHttpClient httpClient) {
        return DynamoDbClient.builder().httpClient(httpClient).overrideConfiguration(overrides()).build();
    }

    /**
     * The signing-key secret: one Secrets Manager {@code GetSecretValue}, once per container, at init.
     *
     * <p>Not through the SDK's Secrets Manager client: that client (0.8 MB of every signing function's jar, and
     * a second SDK client to build on every cold start) would be used exactly once. This is the same call, made
     * with the SDK's own parts: the default credentials and region chains, the SigV4 signer, the service's
     * endpoint metadata and the container's HTTP client. Endpoint overrides: AWS_ENDPOINT_URL_SECRETS_MANAGER,
     * then AWS_ENDPOINT_URL (as the SDK reads them). Up to 3 attempts on a network error, throttling or a
     * 5xx answer. Messages never contain the secret.
     */
    public static String secretString(String secretId) {
        return SecretsManagerGet.secretString(secretId, System.getenv());
    }

    static final class SecretsManagerGet {
        static final String SERVICE = "secretsmanager";
        static final int ATTEMPTS = 3;

        private SecretsManagerGet() {
        }

        static String secretString(String secretId, Map<String, String> env) {
            Region region = new DefaultAwsRegionProviderChain().getRegion();
            URI endpoint = endpoint(region, env);
            byte[] body = Json.write(Map.of("SecretId", secretId)).getBytes(StandardCharsets.UTF_8);
            RuntimeException last = null;
            try (DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build()) {
                for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                    if (attempt > 1) {
                        pause(100L * (attempt - 1));
                    }
                    int status;
                    String text;
                    try {
                        SignedJsonCall.Answer answer = SignedJsonCall.post(httpClient(), credentials.resolveCredentials(),
                                region, SERVICE, endpoint, "application/x-amz-json-1.1", "secretsmanager.GetSecretValue", body);
                        status = answer.status();
                        text = answer.body();
                    } catch (IOException | UncheckedIOException e) {
                        last = new IllegalStateException("Secrets Manager could not be reached to read the signing keys ("
                                + e.getClass().getSimpleName() + ")", e);
                        continue;
                    }
                    Map<String, Object> json = parse(text);
                    if (status == 200) {
                        if (json.get("SecretString") instanceof String secret) {
                            return secret;
                        }
                        throw new IllegalStateException("The signing-key secret " + secretId + " has no SecretString");
                    }
                    String type = json.get("__type") instanceof String t ? t.substring(t.lastIndexOf('#') + 1) : "no error type";
                    last = new IllegalStateException("Secrets Manager refused GetSecretValue of " + secretId
                            + " with HTTP " + status + " (" + type + ")");
                    if (status < 500 && status != 429 && !type.contains("Throttling")) {
                        throw last; // a missing secret or a missing permission does not heal by retrying
                    }
                }
            }
            throw last;
        }

        /** The override (AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL), else the regional endpoint. */
        static URI endpoint(Region region, Map<String, String> env) {
            for (String name : new String[]{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"}) {
                String v = env.get(name);
                if (v != null && !v.isBlank()) {
                    return URI.create(v.trim());
                }
            }
            return URI.create("https://" + ServiceMetadata.of(SERVICE).endpointFor(region));
        }

        private static Map<String, Object> parse(String text) {
            try {
                return text.isBlank() ? Map.of() : Json.parseObject(text);
            } catch (ParseException e) {
                return Map.of();
            }
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
