package io.roominvites.http;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.roominvites.domain.Invite;
import io.roominvites.json.Json;

import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A room's invites as a file: CSV (RFC 4180, a header line, CRLF; FastCSV) or JSON Lines (one invite a line, as the
 * listing shows it). The CSV columns flatten the listing's invite; a cell that a spreadsheet would run as a formula
 * (it begins with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return) is prefixed with {@code '}.
 */
final class ExportFormats {
    static final List<String> COLUMNS = List.of("inviteId", "email", "firstName", "lastName", "erased", "role", "locale", "status", "createdAt",
            "createdBy", "expiresAt", "redeemedAt", "revokedAt", "promotedAt", "maxDevices", "devices", "releasedAt",
            "locked", "failedEmailAttempts", "linkVersion", "emailStatus", "emailAttempts", "emailAt", "emailError",
            "emailLastEvent", "emailLastEventAt");

    private ExportFormats() {
    }

    /** The CSV of {@code invites}, with the header line when {@code header}. */
    static String csv(List<Invite> invites, Instant now, boolean header) {
        StringWriter out = new StringWriter(invites.size() * 256 + 512);
        try (CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(out)) {
            if (header) {
                csv.writeRecord(COLUMNS);
            }
            String[] cells = new String[COLUMNS.size()];
            for (Invite i : invites) {
                Map<String, Object> v = Views.invite(i, now);
                @SuppressWarnings("unchecked")
                Map<String, Object> email = (Map<String, Object>) v.get("emailDelivery");
                for (int c = 0; c < cells.length; c++) {
                    String column = COLUMNS.get(c);
                    Object value = switch (column) {
                        case "devices" -> ((List<?>) v.get("devices")).size();
                        case "emailStatus" -> email.get("status");
                        case "emailAttempts" -> email.get("attempts");
                        case "emailAt" -> email.get("at");
                        case "emailError" -> email.get("error");
                        case "emailLastEvent" -> email.get("lastEvent");
                        case "emailLastEventAt" -> email.get("lastEventAt");
                        default -> v.get(column);
                    };
                    cells[c] = safe(value == null ? "" : String.valueOf(value));
                }
                csv.writeRecord(cells);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter never fails
        }
        return out.toString();
    }

    /** One invite a line, as the listing shows it. */
    static String jsonLines(List<Invite> invites, Instant now) {
        StringBuilder b = new StringBuilder(invites.size() * 512);
        for (Invite i : invites) {
            b.append(Json.write(Views.invite(i, now))).append('\n');
        }
        return b.toString();
    }

    /** A cell a spreadsheet would take for a formula, prefixed with {@code '} (OWASP's CSV injection advice). */
    static String safe(String cell) {
        if (cell.isEmpty()) {
            return cell;
        }
        char c = cell.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + cell : cell;
    }
}
