package io.roominvites.testing;

import io.roominvites.local.FreePorts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.GetEmailTemplateResponse;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.Template;

/** Uses its own emulator instance: it stops and starts it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SesV2EmulatorTest {

  private static final String FROM = "invites@rooms.example";
  private static final String TO = "guest@example.org";

  private static SesV2Emulator emulator;
  private static SesV2Client ses;
  private static String template;

  @BeforeAll
  static void startEmulator() {
    emulator = SesV2Emulator.launch();
    ses =
        SesV2Client.builder()
            .endpointOverride(emulator.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(Backend.TEST_CREDENTIALS)
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(2))
                    .socketTimeout(Duration.ofSeconds(5))
                    .build())
            .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
            .build();
    template = Backends.uniqueName("invite");
    ses.createEmailTemplate(
        b ->
            b.templateName(template)
                .templateContent(
                    c ->
                        c.subject("{{inviter}} invited you to {{room}}")
                            .html("<p>Join <a href=\"{{link}}\">{{room}}</a></p>")
                            .text("Join {{room}}: {{link}}")));
  }

  @AfterAll
  static void closeEmulator() {
    if (ses != null) {
      ses.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  private static SendEmailRequest templated(String link) {
    return SendEmailRequest.builder()
        .fromEmailAddress(FROM)
        .destination(d -> d.toAddresses(TO))
        .replyToAddresses("host@rooms.example")
        .content(
            EmailContent.builder()
                .template(
                    Template.builder()
                        .templateName(template)
                        .templateData(
                            "{\"inviter\":\"Ada\",\"room\":\"Standup & Co\",\"link\":\"" + link + "\"}")
                        .headers(MessageHeader.builder().name("X-Invite-Id").value("inv-1").build())
                        .build())
                .build())
        .build();
  }

  @Test
  @Order(1)
  void storesTheRenderedTemplateEmail() {
    Instant before = Instant.now().minusSeconds(1);
    SendEmailResponse sent = ses.sendEmail(templated("https://rooms.example/i/abc"));
    assertNotNull(sent.messageId());

    GetEmailTemplateResponse stored = ses.getEmailTemplate(b -> b.templateName(template));
    assertEquals("{{inviter}} invited you to {{room}}", stored.templateContent().subject());

    List<StoredEmail> emails = emulator.emails();
    assertEquals(1, emails.size());
    StoredEmail email = emails.get(0);
    assertEquals(sent.messageId(), email.messageId());
    assertEquals(FROM, email.from());
    assertEquals(List.of(TO), email.to());
    assertEquals(List.of("host@rooms.example"), email.replyTo());
    assertEquals("Ada invited you to Standup & Co", email.subject());
    assertEquals("<p>Join <a href=\"https://rooms.example/i/abc\">Standup & Co</a></p>", email.html());
    assertEquals("Join Standup & Co: https://rooms.example/i/abc", email.text());
    assertEquals("inv-1", email.header("X-Invite-Id"));
    assertTrue(email.isAddressedTo("GUEST@example.org"));
    assertFalse(email.at().isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
  }

  @Test
  @Order(2)
  void errorsAreHttpStatusesWithoutSesCodes() {
    SesV2Exception missing =
        assertThrows(
            SesV2Exception.class,
            () -> ses.getEmailTemplate(b -> b.templateName("no-such-template")));
    assertEquals(404, missing.statusCode());

    SesV2Exception duplicate =
        assertThrows(
            SesV2Exception.class,
            () ->
                ses.createEmailTemplate(
                    b -> b.templateName(template).templateContent(c -> c.subject("x").text("y"))));
    assertEquals(400, duplicate.statusCode());
  }

  @Test
  @Order(3)
  void clearHidesEarlierEmailsButKeepsTemplates() {
    assertFalse(emulator.emails().isEmpty());
    emulator.clear();
    assertEquals(List.of(), emulator.emails());

    ses.sendEmail(templated("https://rooms.example/i/after-clear"));
    List<StoredEmail> emails = emulator.emails();
    assertEquals(1, emails.size());
    assertTrue(emails.get(0).text().endsWith("/i/after-clear"));
  }

  @Test
  @Order(4)
  void stopMakesSendEmailFailAndStartRestoresTheSameEndpointWithItsTemplates() {
    var endpoint = emulator.endpoint();
    emulator.stop();
    assertFalse(emulator.isRunning());
    assertFalse(FreePorts.isListening(endpoint.getPort()));

    assertThrows(SdkClientException.class, () -> ses.sendEmail(templated("https://x/down")));
    assertEquals(1, emulator.emails().size(), "emails from before the outage are kept");

    emulator.start();
    assertTrue(emulator.isRunning());
    assertEquals(endpoint, emulator.endpoint());

    SendEmailResponse sent = ses.sendEmail(templated("https://rooms.example/i/back"));
    List<StoredEmail> emails = emulator.emails();
    assertEquals(2, emails.size());
    assertTrue(emails.get(0).text().endsWith("/i/after-clear"));
    assertEquals(sent.messageId(), emails.get(1).messageId());
    assertEquals("Ada invited you to Standup & Co", emails.get(1).subject());
  }

  @Test
  @Order(5)
  void resetWipesEmailsAndTemplates() {
    emulator.reset();
    assertEquals(List.of(), emulator.emails());
    SesV2Exception gone =
        assertThrows(SesV2Exception.class, () -> ses.getEmailTemplate(b -> b.templateName(template)));
    assertEquals(404, gone.statusCode());
  }

  @Test
  @Order(6)
  void sharedIsOneInstancePerJvm() {
    SesV2Emulator shared = SesV2Emulator.shared();
    assertSame(shared, SesV2Emulator.shared());
    assertTrue(shared.isRunning());
    assertEquals("127.0.0.1", shared.endpoint().getHost());
  }
}
