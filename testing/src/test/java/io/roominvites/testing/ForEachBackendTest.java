package io.roominvites.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Runs against every backend; without Docker the "[2] localstack" invocation is reported as
 * SKIPPED with {@link Backends#localStackSkipReason()}.
 */
@ForEachBackend
class ForEachBackendTest {

  @Parameter Backend backend;

  @Test
  void dynamoDbRoundTrip() {
    String table = Backends.uniqueName(getClass());
    try (DynamoDbClient ddb = backend.dynamoDbClient()) {
      StringKeyTable.create(ddb, table);
      ddb.putItem(
          b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS(backend.name()))));
      assertEquals(
          backend.name(), StringKeyTable.get(ddb, table, backend.name()).item().get("pk").s());
    }
  }

  @Test
  void sentEmailIsVisible() {
    String from = "invites@rooms.example";
    backend.verifySender(from);
    try (SesV2Client ses = backend.sesV2Client()) {
      String messageId =
          ses.sendEmail(
                  b ->
                      b.fromEmailAddress(from)
                          .destination(d -> d.toAddresses("guest@example.org"))
                          .content(
                              c ->
                                  c.simple(
                                      m ->
                                          m.subject(s -> s.data("Hello from " + backend.name()))
                                              .body(x -> x.text(t -> t.data("plain body"))))))
              .messageId();
      StoredEmail email =
          backend.sentEmails().stream()
              .filter(e -> messageId.equals(e.messageId()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no stored email " + messageId));
      assertEquals("Hello from " + backend.name(), email.subject());
      assertEquals("plain body", email.text());
      assertTrue(email.isAddressedTo("guest@example.org"));
    }
  }
}
