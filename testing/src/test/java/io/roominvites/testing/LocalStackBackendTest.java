package io.roominvites.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What can be checked without Docker: store parsing and the outage contract. */
class LocalStackBackendTest {

  @Test
  void parsesTheSesRetrospectionEndpoint() {
    String json =
        """
        {"messages": [
          {"Id": "abc-1", "Region": "us-east-1", "Timestamp": "2025-03-04T05:06:07",
           "Source": "invites@rooms.example",
           "Destination": {"ToAddresses": ["guest@example.org"], "CcAddresses": ["cc@example.org"]},
           "Subject": "You are invited", "Body": {"text_part": "plain", "html_part": "<p>html</p>"}},
          {"Id": "abc-2", "Region": "us-east-1", "Timestamp": "2025-03-04T05:06:08",
           "Source": "invites@rooms.example", "Destination": {"ToAddresses": ["x@example.org"]},
           "Template": "invite", "TemplateData": "{}"}
        ]}
        """;
    List<StoredEmail> emails = LocalStackBackend.parseMessages(Json.parseObject(json));
    assertEquals(2, emails.size());
    StoredEmail first = emails.get(0);
    assertEquals("abc-1", first.messageId());
    assertEquals("invites@rooms.example", first.from());
    assertEquals(List.of("guest@example.org"), first.to());
    assertEquals(List.of("cc@example.org"), first.cc());
    assertEquals(List.of(), first.bcc());
    assertEquals("You are invited", first.subject());
    assertEquals("plain", first.text());
    assertEquals("<p>html</p>", first.html());
    assertEquals(Instant.parse("2025-03-04T05:06:07Z"), first.at());
    assertNull(emails.get(1).text());
  }

  @Test
  void timestampsInSeveralFormats() {
    assertEquals(
        Instant.parse("2025-03-04T05:06:07Z"), LocalStackBackend.parseTimestamp("2025-03-04T05:06:07Z"));
    assertEquals(
        Instant.parse("2025-03-04T03:06:07Z"),
        LocalStackBackend.parseTimestamp("2025-03-04T05:06:07+02:00"));
    assertEquals(
        Instant.parse("2025-03-04T05:06:07.123Z"),
        LocalStackBackend.parseTimestamp("2025-03-04T05:06:07.123"));
    assertNull(LocalStackBackend.parseTimestamp("yesterday"));
  }

  @Test
  void cannotSimulateAnSesOnlyOutage() {
    LocalStackBackend backend = LocalStackBackend.shared();
    assertFalse(backend.supportsEmailOutage());
    assertThrows(UnsupportedOperationException.class, backend::stopEmail);
    assertThrows(UnsupportedOperationException.class, backend::startEmail);
  }

  @Test
  void imageIsPinned() {
    if (System.getProperty("localstack.image") == null
        && System.getenv("LOCALSTACK_AUTH_TOKEN") == null) {
      assertEquals("localstack/localstack:4.4", LocalStackBackend.image());
    }
  }
}
