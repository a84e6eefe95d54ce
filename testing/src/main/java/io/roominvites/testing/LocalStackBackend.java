package io.roominvites.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;

/**
 * LocalStack in Docker (Testcontainers {@code org.testcontainers.localstack.LocalStackContainer}
 * from testcontainers-localstack 2.0.5; the older {@code
 * org.testcontainers.containers.localstack.LocalStackContainer} is deprecated there) with the
 * services {@code dynamodb} and {@code ses}. One container per JVM, started on first use, stopped by
 * a shutdown hook (and by Testcontainers' Ryuk otherwise).
 *
 * <p>Image: {@value #DEFAULT_IMAGE} unless {@code -Dlocalstack.image=...}. It is pinned because
 * newer LocalStack images require a {@code LOCALSTACK_AUTH_TOKEN} to start; when that environment
 * variable is set, it is passed through to the container. Note that the Community image implements SES v1 only: SES v2 calls (which the
 * application makes) need the Pro image ({@value #PRO_IMAGE}), which is chosen automatically when
 * {@code LOCALSTACK_AUTH_TOKEN} is set and no image is configured.
 *
 * <p>Sent emails are read from LocalStack's internal endpoint {@code GET /_aws/ses} on the edge
 * port: {@code {"messages": [{"Id", "Region", "Timestamp", "Source", "Destination": {"ToAddresses",
 * "CcAddresses", "BccAddresses"}, "Subject", "Body": {"text_part", "html_part"}, "Template",
 * "TemplateData", "RawData"}]}}; {@code DELETE /_aws/ses} clears them.
 */
public final class LocalStackBackend implements Backend {

  public static final String NAME = "localstack";
  public static final String DEFAULT_IMAGE = "localstack/localstack:4.4";
  public static final String PRO_IMAGE = "localstack/localstack-pro:4.4";
  static final String IMAGE_PROPERTY = "localstack.image";
  static final String AUTH_TOKEN_ENV = "LOCALSTACK_AUTH_TOKEN";

  private static final Lazy<LocalStackBackend> SHARED = new Lazy<>(LocalStackBackend::new);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Lazy<LocalStackContainer> container = new Lazy<>(LocalStackBackend::startContainer);

  private LocalStackBackend() {}

  /** The JVM-wide backend; its container starts on the first endpoint call. */
  public static LocalStackBackend shared() {
    return SHARED.get();
  }

  /** The image that will be (or was) started. */
  public static String image() {
    String configured = System.getProperty(IMAGE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String token = System.getenv(AUTH_TOKEN_ENV);
    return token != null && !token.isBlank() ? PRO_IMAGE : DEFAULT_IMAGE;
  }

  /** The running container (starting it if needed). */
  public LocalStackContainer container() {
    return container.get();
  }

  private static LocalStackContainer startContainer() {
    LocalStackContainer started = newContainer();
    started.start();
    Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "localstack-shutdown"));
    return started;
  }

  @SuppressWarnings("resource") // closed by the shutdown hook
  private static LocalStackContainer newContainer() {
    DockerImageName image =
        DockerImageName.parse(image()).asCompatibleSubstituteFor("localstack/localstack");
    // SERVICES restricts what LocalStack serves; "sesv2" is a separate (Pro-only) service there.
    LocalStackContainer c =
        isPro(image.asCanonicalNameString())
            ? new LocalStackContainer(image).withServices("dynamodb", "ses", "sesv2")
            : new LocalStackContainer(image).withServices("dynamodb", "ses");
    String token = System.getenv(AUTH_TOKEN_ENV);
    if (token != null && !token.isBlank()) {
      c.withEnv(AUTH_TOKEN_ENV, token);
    }
    return c;
  }

  private static boolean isPro(String image) {
    return image.contains("localstack-pro");
  }

  private URI edge() {
    return container().getEndpoint();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public URI dynamoDbEndpoint() {
    return edge();
  }

  @Override
  public URI sesEndpoint() {
    return edge();
  }

  @Override
  public List<StoredEmail> sentEmails() {
    HttpResponse<String> response =
        Http.expect(send(HttpRequest.newBuilder(sesStore()).GET()), Http::isOk, "GET /_aws/ses");
    return parseMessages(Json.parseObject(response.body()));
  }

  @Override
  public void clearEmails() {
    Http.expect(
        send(HttpRequest.newBuilder(sesStore()).DELETE()), Http::isSuccess, "DELETE /_aws/ses");
  }

  @Override
  public boolean supportsEmailOutage() {
    return false;
  }

  @Override
  public void stopEmail() {
    throw new UnsupportedOperationException(
        "LocalStack serves SES and DynamoDB from one container and port, so an SES-only outage"
            + " cannot be simulated; guard outage tests with"
            + " assumeTrue(backend.supportsEmailOutage())");
  }

  @Override
  public void startEmail() {
    stopEmail();
  }

  @Override
  public void verifySender(String address) {
    try (SesV2Client ses = sesV2Client()) {
      ses.createEmailIdentity(b -> b.emailIdentity(address));
    } catch (AlreadyExistsException ignored) {
      // already verified
    }
  }

  @Override
  public String toString() {
    return NAME;
  }

  private URI sesStore() {
    return edge().resolve("/_aws/ses");
  }

  static List<StoredEmail> parseMessages(Map<String, Object> json) {
    List<StoredEmail> emails = new ArrayList<>();
    for (Map<String, Object> m : Json.objects(json, "messages")) {
      Map<String, Object> destination = Json.object(m, "Destination");
      Map<String, Object> body = Json.object(m, "Body");
      emails.add(
          new StoredEmail(
              Json.string(m, "Id"),
              Json.string(m, "Source"),
              Json.strings(destination, "ToAddresses"),
              Json.strings(destination, "CcAddresses"),
              Json.strings(destination, "BccAddresses"),
              List.of(),
              Json.string(m, "Subject"),
              Json.string(body, "html_part"),
              Json.string(body, "text_part"),
              List.of(),
              parseTimestamp(Json.string(m, "Timestamp"))));
    }
    return emails;
  }

  /** LocalStack writes "2025-01-31T12:34:56" (UTC, no zone); accept ISO instants too. */
  static Instant parseTimestamp(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException ignored) {
      // try the next format
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException ignored) {
      // try the next format
    }
    try {
      return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      return null;
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    return Http.send(http, request, "LocalStack");
  }
}
