package io.roominvites.bench;

import io.roominvites.aws.AwsClients;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * The synchronous HTTP clients compared by the benchmark, each configured like the functions' one
 * (2 s connect, 5 s socket timeouts where the client has them), under the same DynamoDB client
 * settings as {@link AwsClients#dynamoDb()}. Each variant's classes are touched only by its own method.
 */
final class Clients {
    static final String URL = "url-connection";
    static final String APACHE = "apache";
    static final String CRT = "aws-crt";

    private Clients() {
    }

    static DynamoDbClient dynamoDb(String variant) {
        return switch (variant) {
            case "functions", APACHE -> AwsClients.dynamoDb(); // Apache, as in every function: AwsClients.httpClient()
            case URL -> AwsClients.dynamoDb(urlConnection());
            case CRT -> AwsClients.dynamoDb(crt());
            default -> throw new IllegalArgumentException(variant);
        };
    }

    private static SdkHttpClient urlConnection() {
        return UrlConnectionHttpClient.builder().connectionTimeout(java.time.Duration.ofSeconds(2))
                .socketTimeout(java.time.Duration.ofSeconds(5)).build();
    }

    private static SdkHttpClient crt() {
        return AwsCrtHttpClient.builder().connectionTimeout(java.time.Duration.ofSeconds(2)).build();
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }
}
