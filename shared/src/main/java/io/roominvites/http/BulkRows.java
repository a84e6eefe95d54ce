package io.roominvites.http;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.FieldError;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.Role;
import io.roominvites.domain.SiteSettings;
import io.roominvites.service.BulkInvites;
import io.roominvites.service.InviteService;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows of a bulk request, as JSON ({@code {invites: [...], sendEmail}}) or CSV (RFC 4180, the header line
 * {@code email,firstName,lastName,role} and optionally the columns {@code maxDevices} and {@code locale}, in either
 * order; UTF-8 with or without a BOM; CRLF or LF),
 * parsed by FastCSV. Each row is checked like a single create; a row's problems are its own.
 */
final class BulkRows {
    static final List<String> CSV_COLUMNS = List.of("email", "firstName", "lastName", "role");
    static final String MAX_DEVICES = "maxDevices";
    static final String LOCALE = "locale";
    static final List<String> OPTIONAL_COLUMNS = List.of(MAX_DEVICES, LOCALE);

    private BulkRows() {
    }

    /** Rows and the sendEmail choice of one request. */
    record Parsed(List<BulkInvites.Row> rows, boolean sendEmail) {
    }

    static boolean isCsv(HttpRequest r) {
        String type = r.header("content-type");
        return type != null && type.toLowerCase(Locale.ROOT).trim().startsWith("text/csv");
    }

    @SuppressWarnings("unchecked")
    static Parsed fromJson(String raw) {
        Body b = Body.parse(raw);
        Boolean send = b.bool("sendEmail", false, false);
        Object list = b.raw("invites");
        if (list == null) {
            b.problem("invites", "is required: a list of {email, firstName, lastName, role, maxDevices?, locale?}");
        } else if (!(list instanceof List<?> l)) {
            b.problem("invites", "must be a list of {email, firstName, lastName, role, maxDevices?, locale?}");
        } else {
            checkCount(b, "invites", l.size());
        }
        b.check();
        List<BulkInvites.Row> rows = new ArrayList<>();
        int n = 0;
        for (Object o : (List<Object>) list) {
            n++;
            if (!(o instanceof Map<?, ?> m)) {
                rows.add(new BulkInvites.Row(n, null, List.of(new FieldError("invites[" + (n - 1) + "]",
                        "must be an object {email, firstName, lastName, role, maxDevices?, locale?}"))));
                continue;
            }
            rows.add(row(n, Body.of((Map<String, Object>) m)));
        }
        return new Parsed(rows, send);
    }

    static Parsed fromCsv(String raw, String sendEmailParam) {
        boolean send = false;
        if (sendEmailParam != null && !sendEmailParam.isEmpty()) {
            if (!sendEmailParam.equals("true") && !sendEmailParam.equals("false")) {
                throw InviteException.invalid("sendEmail", "must be true or false");
            }
            send = sendEmailParam.equals("true");
        }
        if (raw == null || raw.isBlank()) {
            throw new InviteException(ErrorCode.INVALID_REQUEST,
                    "The CSV is empty. Its first line must be the header " + String.join(",", CSV_COLUMNS) + ".");
        }
        List<CsvRecord> records = new ArrayList<>();
        try (CsvReader<CsvRecord> csv = CsvReader.builder().allowMissingFields(true).allowExtraFields(true)
                .detectBomHeader(true)
                .ofCsvRecord(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)) {
            for (CsvRecord record : csv) {
                records.add(record);
                if (records.size() > BulkInvites.MAX_ROWS + 1) {
                    break;
                }
            }
        } catch (CsvParseException e) {
            throw new InviteException(ErrorCode.INVALID_REQUEST, "The CSV could not be read"
                    + (records.isEmpty() ? "" : " after line " + records.getLast().getStartingLineNumber())
                    + ": check for an unclosed quote. Fields with commas, quotes or line breaks must be in double quotes"
                    + " (a quote inside written twice).");
        } catch (java.io.IOException | UncheckedIOException e) {
            throw new InviteException(ErrorCode.INVALID_REQUEST, "The CSV could not be read.");
        }
        if (records.isEmpty()) {
            throw new InviteException(ErrorCode.INVALID_REQUEST,
                    "The CSV is empty. Its first line must be the header " + String.join(",", CSV_COLUMNS) + ".");
        }
        List<String> header = new ArrayList<>();
        for (String h : records.getFirst().getFields()) {
            header.add(h.trim());
        }
        List<String> expected = new ArrayList<>(CSV_COLUMNS);
        for (int c = CSV_COLUMNS.size(); c < header.size(); c++) {
            for (String optional : OPTIONAL_COLUMNS) {
                if (header.get(c).equalsIgnoreCase(optional) && !expected.contains(optional)) {
                    expected.add(optional);
                }
            }
        }
        if (!lower(header).equals(lower(expected))) {
            throw new InviteException(ErrorCode.INVALID_REQUEST, "The CSV's first line must be the header "
                    + String.join(",", CSV_COLUMNS) + " (optionally ," + MAX_DEVICES + " and ," + LOCALE + "); it is: "
                    + String.join(",", header) + ".", List.of(new FieldError("header", "must be "
                    + String.join(",", CSV_COLUMNS))), Map.of());
        }
        int count = records.size() - 1;
        if (count == 0 || count > BulkInvites.MAX_ROWS) {
            Body none = Body.of(Map.of());
            checkCount(none, "rows", count);
            none.check();
        }
        List<BulkInvites.Row> rows = new ArrayList<>(count);
        for (int i = 1; i < records.size(); i++) {
            CsvRecord record = records.get(i);
            if (record.getFieldCount() != expected.size()) {
                rows.add(new BulkInvites.Row(i, null, List.of(new FieldError("row", "line " + record.getStartingLineNumber()
                        + " has " + record.getFieldCount() + " fields; expected " + expected.size() + " ("
                        + String.join(",", expected) + ")"))));
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            for (int c = 0; c < expected.size(); c++) {
                String v = record.getField(c);
                if (expected.get(c).equals(LOCALE)) {
                    if (!v.isBlank()) {
                        m.put(LOCALE, v.trim());
                    }
                } else if (expected.get(c).equals(MAX_DEVICES)) {
                    Object number = v.isBlank() ? null : parseWhole(v.trim());
                    if (number != null) {
                        m.put(MAX_DEVICES, number);
                    }
                } else if (!v.isEmpty()) {
                    m.put(expected.get(c), v);
                }
            }
            rows.add(row(i, Body.of(m)));
        }
        return new Parsed(rows, send);
    }

    /** A whole number as a Long, or the text itself (which the row check then calls not a whole number). */
    private static Object parseWhole(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    private static List<String> lower(List<String> in) {
        return in.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    private static void checkCount(Body b, String field, int count) {
        if (count == 0) {
            b.problem(field, "must have at least one row");
        } else if (count > BulkInvites.MAX_ROWS) {
            b.problem(field, "must have at most " + BulkInvites.MAX_ROWS + " rows; split the list into several requests");
        }
    }

    /** One row checked like a single create (email, names, role, maxDevices 1..50, locale). */
    private static BulkInvites.Row row(int n, Body b) {
        String email = Api.email(b, "email", true);
        String first = b.string("firstName", true, Api.MAX_NAME);
        String last = b.string("lastName", true, Api.MAX_NAME);
        Role role = Api.role(b);
        Long maxDevices = b.integer(MAX_DEVICES, false, 1, SiteSettings.MAX_LINK_MAX_DEVICES, null);
        String locale = SettingsBody.locale(b, LOCALE);
        if (!b.problems().isEmpty()) {
            return new BulkInvites.Row(n, null, b.problems());
        }
        return new BulkInvites.Row(n, new InviteService.NewInvite(email, first, last, role, false,
                maxDevices == null ? null : maxDevices.intValue(), locale), List.of());
    }
}
