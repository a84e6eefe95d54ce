package io.roominvites.http;

import io.roominvites.domain.Caller;
import io.roominvites.domain.InviteException;
import io.roominvites.service.InviteExport;
import io.roominvites.service.InviteService;
import io.roominvites.tokens.LinkTokens;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /rooms/{roomId}/invites/export?format=csv|jsonl[&cursor=…]}: one page of the room's invites as a file
 * ({@link ExportFormats}), newest first; when more follow, a {@code Link: <…&cursor=…>; rel="next"} header names the
 * next page (the CSV's header line is on the first page only, so the pages concatenate into one file).
 */
final class ExportRoute {
    private ExportRoute() {
    }

    static HttpResponse answer(InviteExport export, Caller caller, String roomId, HttpRequest r, Clock clock) {
        String format = r.query().getOrDefault("format", "csv");
        if (!format.equals("csv") && !format.equals("jsonl")) {
            throw InviteException.invalid("format", "must be csv or jsonl");
        }
        String cursor = r.query().get("cursor");
        if (cursor != null && cursor.length() > LinkTokens.MAX_CURSOR_LENGTH) {
            throw InviteException.invalid("cursor", "is not a cursor from this export; start again without it");
        }
        InviteService.InvitePage page = export.page(caller, roomId, cursor);
        boolean first = cursor == null || cursor.isEmpty();
        Map<String, String> headers = new LinkedHashMap<>();
        String body;
        if (format.equals("csv")) {
            headers.put("Content-Type", "text/csv; charset=utf-8; header=present");
            body = ExportFormats.csv(page.invites(), clock.instant(), first);
        } else {
            headers.put("Content-Type", "application/jsonl; charset=utf-8");
            body = ExportFormats.jsonLines(page.invites(), clock.instant());
        }
        headers.put("Content-Disposition", "attachment; filename=\"invites-" + roomId + "." + format + "\"");
        headers.put("Cache-Control", "no-store");
        if (page.nextCursor() != null) {
            headers.put("Link", "</rooms/" + roomId + "/invites/export?format=" + format + "&cursor="
                    + URLEncoder.encode(page.nextCursor(), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        return new HttpResponse(200, headers, body);
    }
}
