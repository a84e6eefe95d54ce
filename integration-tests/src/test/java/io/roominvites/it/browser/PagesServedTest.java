package io.roominvites.it.browser;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the local runner serves the pages (plain HTTP, no browser needed): the strict CSP, no-referrer, no inline
 * script or style in any page, the API's origin filled in on the pages' origin, and nothing else served there.
 */
class PagesServedTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyPageHasAStrictPolicyNoReferrerAndNoInlineCode() throws Exception {
        for (String path : List.of("/", "/manage", "/join", "/index.html", "/join.html", "/manage.html")) {
            HttpResponse<String> r = get(Pages.web() + path);
            assertEquals(200, r.statusCode(), path);
            assertEquals("text/html; charset=utf-8", r.headers().firstValue("content-type").orElse(""), path);
            String csp = r.headers().firstValue("content-security-policy").orElse("");
            assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self';") && csp.contains("style-src 'self';")
                    && csp.contains("frame-ancestors 'none'") && csp.contains("base-uri 'none'"), path + ": " + csp);
            assertTrue(csp.contains("connect-src 'self' " + Pages.api() + ";"), "the API's origin only: " + csp);
            assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
            assertEquals("no-referrer", r.headers().firstValue("referrer-policy").orElse(""), path);
            assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(""), path);
            assertEquals("same-origin", r.headers().firstValue("cross-origin-opener-policy").orElse(""),
                    path + ": a page of another origin that opens this one gets no handle on it");
            String html = r.body();
            Matcher scripts = Pattern.compile("<script\\b([^>]*)>", Pattern.CASE_INSENSITIVE).matcher(html);
            while (scripts.find()) {
                assertTrue(scripts.group(1).contains("src="), path + " has an inline script: " + scripts.group());
            }
            assertFalse(Pattern.compile("<style\\b|\\sstyle=|\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                    path + " has inline style or an inline handler");
            assertTrue(html.contains("<meta name=\"room-invites-api\" content=\"" + Pages.api() + "\">"), path);
        }
    }

    @Test
    void theScriptsAreServedAsModulesAndTheApiIsNotOnThePagesOrigin() throws Exception {
        HttpResponse<String> js = get(Pages.web() + "/room-invites.js");
        assertEquals(200, js.statusCode());
        assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("content-type").orElse(""));
        assertTrue(js.body().contains("export class RoomInvitesClient"));
        assertEquals(404, get(Pages.web() + "/rooms/next-level-growth/invite-options").statusCode());
        assertEquals(404, get(Pages.web() + "/test/room-invites.test.mjs").statusCode(), "the client's tests are not served");
        assertEquals(404, get(Pages.web() + "/package.json").statusCode());
        // and on the API's own origin, the pages are there too (same origin: nothing to fill in)
        HttpResponse<String> same = get(Pages.api() + "/join");
        assertEquals(200, same.statusCode());
        assertTrue(same.body().contains("<meta name=\"room-invites-api\" content=\"\">"));
        assertEquals("no-referrer", same.headers().firstValue("referrer-policy").orElse(""));
    }
}
