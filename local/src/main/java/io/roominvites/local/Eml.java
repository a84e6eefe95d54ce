package io.roominvites.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes and reads the local outbox's messages as RFC 5322 {@code .eml} files: multipart/alternative
 * with a text and an HTML part, quoted-printable UTF-8 (readable with {@code cat}, and opened by any
 * mail client). It reads back only what it writes.
 */
final class Eml {
    static final String TEMPLATE_HEADER = "X-Room-Invites-Template";
    private static final String CRLF = "\r\n";
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]*)\\?=");
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"([^\"]+)\"");

    private Eml() {
    }

    /** One message. */
    record Message(String messageId, String from, String to, String subject, Instant date, String template,
                   String text, String html) {
    }

    static String write(Message m) {
        String boundary = "=_room-invites_" + Long.toHexString(m.date().toEpochMilli()) + "_"
                + Integer.toHexString(m.messageId().hashCode());
        StringBuilder sb = new StringBuilder();
        header(sb, "From", oneLine(m.from()));
        header(sb, "To", oneLine(m.to()));
        header(sb, "Subject", fold("Subject", encodeHeader(oneLine(m.subject()))));
        header(sb, "Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(m.date().atZone(ZoneOffset.UTC)));
        header(sb, "Message-ID", "<" + m.messageId() + ">");
        if (m.template() != null) {
            header(sb, TEMPLATE_HEADER, oneLine(m.template()));
        }
        header(sb, "MIME-Version", "1.0");
        header(sb, "Content-Type", "multipart/alternative;" + CRLF + " boundary=\"" + boundary + "\"");
        sb.append(CRLF);
        if (m.text() != null) {
            part(sb, boundary, "text/plain", m.text());
        }
        if (m.html() != null) {
            part(sb, boundary, "text/html", m.html());
        }
        sb.append("--").append(boundary).append("--").append(CRLF);
        return sb.toString();
    }

    /** Folds a long header at spaces (CRLF before a space) so that lines stay within 78 characters. */
    static String fold(String name, String value) {
        if (value.contains(CRLF) || name.length() + 2 + value.length() <= 78) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        int lineLength = name.length() + 2;
        for (String word : value.split(" ", -1)) {
            if (out.isEmpty()) {
                out.append(word);
                lineLength += word.length();
            } else if (lineLength + 1 + word.length() > 78) {
                out.append(CRLF).append(' ').append(word);
                lineLength = 1 + word.length();
            } else {
                out.append(' ').append(word);
                lineLength += 1 + word.length();
            }
        }
        return out.toString();
    }

    private static void header(StringBuilder sb, String name, String value) {
        sb.append(name).append(": ").append(value).append(CRLF);
    }

    private static void part(StringBuilder sb, String boundary, String type, String content) {
        sb.append("--").append(boundary).append(CRLF);
        header(sb, "Content-Type", type + "; charset=UTF-8");
        header(sb, "Content-Transfer-Encoding", "quoted-printable");
        sb.append(CRLF).append(quotedPrintable(content)).append(CRLF);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
    }

    /** RFC 2047 encoded words (B encoding, at most 45 bytes each) when the value is not plain ASCII. */
    static String encodeHeader(String value) {
        if (value.chars().allMatch(c -> c >= 32 && c < 127) && !value.contains("=?")) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int end = i;
            int bytes = 0;
            while (end < value.length()) {
                int cp = value.codePointAt(end);
                int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                if (bytes + n > 45) {
                    break;
                }
                bytes += n;
                end += Character.charCount(cp);
            }
            if (!out.isEmpty()) {
                out.append(CRLF).append(' ');
            }
            out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(
                    value.substring(i, end).getBytes(StandardCharsets.UTF_8))).append("?=");
            i = end;
        }
        return out.toString();
    }

    static String decodeHeader(String value) {
        // RFC 2047: white space between adjacent encoded words is dropped; otherwise unfolding removes only the CRLF
        String unfolded = value.replaceAll("\\?=\\s*\\r?\\n[ \\t]+=\\?", "?==?").replaceAll("\\r?\\n(?=[ \\t])", "");
        Matcher m = ENCODED_WORD.matcher(unfolded);
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                flush(pending, out);
                out.append(unfolded, last, m.start());
            }
            pending.writeBytes(Base64.getDecoder().decode(m.group(1)));
            last = m.end();
        }
        flush(pending, out);
        out.append(unfolded.substring(last));
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream pending, StringBuilder out) {
        if (pending.size() > 0) {
            out.append(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
        }
    }

    /** RFC 2045 quoted-printable of UTF-8 text, lines at most 76 characters, CRLF line breaks. */
    static String quotedPrintable(String text) {
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        StringBuilder out = new StringBuilder(text.length() + text.length() / 8);
        for (int l = 0; l < lines.length; l++) {
            if (l > 0) {
                out.append(CRLF);
            }
            byte[] bytes = lines[l].getBytes(StandardCharsets.UTF_8);
            int column = 0;
            for (int i = 0; i < bytes.length; i++) {
                int b = bytes[i] & 0xff;
                boolean last = i == bytes.length - 1;
                String token = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !last)
                        ? String.valueOf((char) b)
                        : String.format(Locale.ROOT, "=%02X", b);
                if (column + token.length() > (last ? 76 : 75)) {
                    out.append('=').append(CRLF);
                    column = 0;
                }
                out.append(token);
                column += token.length();
            }
        }
        return out.toString();
    }

    static String decodeQuotedPrintable(String qp) {
        String joined = qp.replaceAll("=\\r?\\n", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream(joined.length());
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c == '=' && isHex(joined, i + 1) && isHex(joined, i + 2)) {
                out.write(Integer.parseInt(joined.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c == '\r' && i + 1 < joined.length() && joined.charAt(i + 1) == '\n') {
                out.write('\n');
                i++;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8)); // ASCII in a QP body
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(String s, int i) {
        return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
    }

    /** Reads back a message written by {@link #write}. */
    static Message read(String eml) {
        int split = eml.indexOf(CRLF + CRLF);
        if (split < 0) {
            throw new IllegalArgumentException("no header/body separator");
        }
        Map<String, String> headers = headers(eml.substring(0, split));
        String body = eml.substring(split + 4);
        String type = headers.getOrDefault("content-type", "");
        Matcher bm = BOUNDARY.matcher(type);
        String text = null;
        String html = null;
        if (bm.find()) {
            String delimiter = "--" + bm.group(1);
            for (String chunk : body.split(Pattern.quote(delimiter))) {
                if (chunk.startsWith("--") || chunk.isBlank()) {
                    continue;
                }
                String part = chunk.startsWith(CRLF) ? chunk.substring(2) : chunk;
                int ps = part.indexOf(CRLF + CRLF);
                if (ps < 0) {
                    continue;
                }
                Map<String, String> ph = headers(part.substring(0, ps));
                String content = part.substring(ps + 4);
                if (content.endsWith(CRLF)) {
                    content = content.substring(0, content.length() - 2);
                }
                if ("quoted-printable".equalsIgnoreCase(ph.getOrDefault("content-transfer-encoding", ""))) {
                    content = decodeQuotedPrintable(content);
                }
                String pt = ph.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
                if (pt.startsWith("text/html")) {
                    html = content;
                } else if (pt.startsWith("text/plain")) {
                    text = content;
                }
            }
        }
        String id = headers.getOrDefault("message-id", "").replaceAll("^<|>$", "");
        Instant date = null;
        try {
            date = ZonedDateTime.parse(headers.getOrDefault("date", ""), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException ignored) {
            // left null
        }
        return new Message(id, headers.get("from"), headers.get("to"), decodeHeader(headers.getOrDefault("subject", "")),
                date, headers.get(TEMPLATE_HEADER.toLowerCase(Locale.ROOT)), text, html);
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> out = new LinkedHashMap<>();
        String unfolded = block.replaceAll("\\r\\n([ \\t])", "\n$1");
        for (String line : unfolded.split("\\r\\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return out;
    }
}
