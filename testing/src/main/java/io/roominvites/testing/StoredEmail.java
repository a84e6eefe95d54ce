package io.roominvites.testing;

import java.time.Instant;
import java.util.List;

/**
 * An email that a backend accepted for sending, as its store reports it.
 *
 * <p>From aws-ses-v2-local ({@code GET /store}) every field is filled as the emulator has it: the
 * subject and bodies are the <em>rendered</em> template output for SendEmail with
 * {@code Content.Template}; {@code at} has one-second precision. From LocalStack ({@code GET
 * /_aws/ses}) {@code replyTo} and {@code headers} are always empty, and for a v1 SendTemplatedEmail
 * LocalStack stores no rendered bodies ({@code html}/{@code text} are null).
 *
 * @param messageId the SES MessageId returned to the sender
 * @param from FromEmailAddress
 * @param to Destination.ToAddresses
 * @param cc Destination.CcAddresses
 * @param bcc Destination.BccAddresses
 * @param replyTo ReplyToAddresses
 * @param subject subject (rendered)
 * @param html HTML body (rendered), or null
 * @param text text body (rendered), or null
 * @param headers custom headers sent with the message (Content.*.Headers), in order
 * @param at when the backend accepted the message, or null if it did not say
 * @param attachments the files attached (empty where the backend does not keep them)
 */
public record StoredEmail(
    String messageId,
    String from,
    List<String> to,
    List<String> cc,
    List<String> bcc,
    List<String> replyTo,
    String subject,
    String html,
    String text,
    List<Header> headers,
    Instant at,
    List<Attachment> attachments) {

  /** A message without attachments (or from a backend that does not keep them). */
  public StoredEmail(String messageId, String from, List<String> to, List<String> cc, List<String> bcc,
      List<String> replyTo, String subject, String html, String text, List<Header> headers, Instant at) {
    this(messageId, from, to, cc, bcc, replyTo, subject, html, text, headers, at, List.of());
  }

  public StoredEmail {
    attachments = List.copyOf(attachments);
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
    replyTo = List.copyOf(replyTo);
    headers = List.copyOf(headers);
  }

  /** All recipients: to, cc and bcc. */
  public List<String> recipients() {
    return java.util.stream.Stream.of(to, cc, bcc).flatMap(List::stream).toList();
  }

  /** Whether {@code address} is among the recipients (case-insensitive). */
  public boolean isAddressedTo(String address) {
    return recipients().stream().anyMatch(r -> r.equalsIgnoreCase(address));
  }

  /** The first header with this name (case-insensitive), or null. */
  public String header(String name) {
    return headers.stream()
        .filter(h -> h.name().equalsIgnoreCase(name))
        .map(Header::value)
        .findFirst()
        .orElse(null);
  }

  /** A message header. */
  public record Header(String name, String value) {}

  /** A file attached to the message. */
  public record Attachment(String fileName, String contentType, byte[] content) {}
}
