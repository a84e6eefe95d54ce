package io.roominvites.app;

import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.time.Duration;

/**
 * The AWS SDK clients, built once per container. One synchronous HTTP client for all of them (see the
 * README's performance section for the measured choice); region, credentials and endpoint overrides
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB, ...) come from the standard environment.
 */
public final class AwsClients {
    private static volatile SdkHttpClient http;

    private AwsClients() {
    }

    public static synchronized SdkHttpClient httpClient() {
        if (http == null) {
            http = UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(2))
                    .socketTimeout(Duration.ofSeconds(5))
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

    public static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder().httpClient(httpClient()).overrideConfiguration(overrides()).build();
    }

    static String secretString(String secretId) {
        try (SecretsManagerClient sm = SecretsManagerClient.builder().httpClient(httpClient())
                .overrideConfiguration(overrides()).build()) {
            return sm.getSecretValue(b -> b.secretId(secretId)).secretString();
        }
    }
}
