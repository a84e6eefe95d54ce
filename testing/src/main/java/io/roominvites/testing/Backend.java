package io.roominvites.testing;

import java.net.URI;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * What an integration test runs against: a DynamoDB endpoint and an SES v2 endpoint, plus access
 * to the emails the SES side accepted.
 *
 * <p>Implementations: {@link EmulatorBackend} (DynamoDB Local + aws-ses-v2-local, always available)
 * and {@link LocalStackBackend} (only where a Docker engine is reachable). Get them from {@link
 * Backends}; run a test class against each with {@link ForEachBackend}.
 *
 * <p>Backends are shared by all tests of a JVM and started lazily (the first call of an endpoint
 * method starts what it needs). They deliberately do not implement {@link AutoCloseable}: JUnit's
 * {@code @ParameterizedClass} closes AutoCloseable arguments after each class.
 */
public interface Backend {

  /** Dummy credentials every backend accepts. */
  AwsCredentialsProvider TEST_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  /** "emulators" or "localstack". */
  String name();

  URI dynamoDbEndpoint();

  URI sesEndpoint();

  /** us-east-1. */
  default Region region() {
    return Region.US_EAST_1;
  }

  /** Static credentials "test"/"test". */
  default AwsCredentialsProvider credentials() {
    return TEST_CREDENTIALS;
  }

  /** Emails accepted by the SES side since start or the last {@link #clearEmails()}, oldest first. */
  List<StoredEmail> sentEmails();

  /** Forgets the emails accepted so far. */
  void clearEmails();

  /** Whether {@link #stopEmail()} / {@link #startEmail()} can simulate an SES outage here. */
  default boolean supportsEmailOutage() {
    return true;
  }

  /**
   * Makes the SES endpoint unreachable (connections are refused) while DynamoDB stays up. Always
   * pair with {@link #startEmail()} in a finally block; tests doing this must not run in parallel
   * with other tests that send email.
   *
   * @throws UnsupportedOperationException where {@link #supportsEmailOutage()} is false
   */
  void stopEmail();

  /** Ends an outage started by {@link #stopEmail()}: same endpoint, templates kept. */
  void startEmail();

  /**
   * Makes {@code address} a sender the backend accepts. The emulator accepts any sender; LocalStack
   * (like real SES in the sandbox) needs a verified identity.
   */
  default void verifySender(String address) {}

  /** A new DynamoDB client for this backend (URLConnection HTTP client; close it). */
  default DynamoDbClient dynamoDbClient() {
    return DynamoDbClient.builder()
        .endpointOverride(dynamoDbEndpoint())
        .region(region())
        .credentialsProvider(credentials())
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** A new SES v2 client for this backend (URLConnection HTTP client; close it). */
  default SesV2Client sesV2Client() {
    return SesV2Client.builder()
        .endpointOverride(sesEndpoint())
        .region(region())
        .credentialsProvider(credentials())
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
