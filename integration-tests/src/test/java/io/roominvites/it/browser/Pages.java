package io.roominvites.it.browser;

import io.roominvites.it.support.Service;
import io.roominvites.local.FreePorts;
import io.roominvites.local.LocalRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The local runner as a newcomer starts it, once per test JVM: the API on one loopback port and the pages on
 * another (two origins, through the service's CORS settings), DynamoDB Local embedded, emails to an outbox
 * under target/. Tests seed their own rooms through {@link #service()} and drive the pages in {@link Browser}s.
 */
final class Pages {
    private static LocalRunner.Running runner;

    private Pages() {
    }

    private static LocalRunner.Running startRunner() {
        try {
            int api = FreePorts.pick();
            int web = FreePorts.pick();
            LocalRunner.Running running = LocalRunner.start(api, web,
                    Map.of("LOCAL_OUTBOX_DIR", Path.of("target", "browser-outbox").toAbsolutePath().toString()));
            Runtime.getRuntime().addShutdownHook(new Thread(running::close));
            return running;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the local runner", e);
        }
    }

    static synchronized LocalRunner.Running runner() {
        if (runner == null) {
            runner = startRunner();
        }
        return runner;
    }

    /** Where the pages are (another origin than the API). */
    static String web() {
        return runner().webBase();
    }

    static String api() {
        return runner().apiBase();
    }

    static Service service() {
        return new Service(runner().services());
    }

    /** A room of {@link Service#OWNER}'s starting {@code startsIn} from the server's now, an hour long. */
    static void room(String roomId, Duration startsIn) {
        service().room(roomId, startsIn);
    }

    /** A room of {@link Service#OWNER}'s titled {@code title}, starting {@code startsIn} from the server's now, {@code length} long. */
    static void room(String roomId, Duration startsIn, Duration length, String title) {
        Service service = service();
        java.time.Instant start = service.clock().instant().plus(startsIn).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Map<String, Object> room = new java.util.LinkedHashMap<>();
        room.put("title", title);
        room.put("description", "A focused 45-minute session.");
        room.put("startsAt", start.toString());
        room.put("endsAt", start.plus(length).toString());
        room.put("chatAndCollaborationEnabled", true);
        room.put("owner", Service.OWNER);
        room.put("coOwners", java.util.List.of());
        room.put("coEditors", java.util.List.of());
        room.put("coPublishers", java.util.List.of());
        service.call("PUT", "/admin/rooms/" + roomId, service.adminToken(), room).expect(200);
    }

    /** The pages' sessionStorage entry for the join page's token in this browser's current tab (null: none). */
    static Object keptToken(Browser b) {
        return b.js("return sessionStorage.getItem('roomInvites.joinToken')");
    }

    /** How far the page is wider than the window, in CSS pixels (0: no horizontal scrolling). */
    static long overflow(Browser b) {
        return ((Number) b.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth")).longValue();
    }

    /** Invites {@code email} as Gia Guest (no email) and answers the link. */
    static String link(String roomId, String email, String role) {
        return (String) service().invite(roomId, email, role).json().get("link");
    }

    static Service.Response invite(String roomId, String email, String first, String last, String role) {
        return service().call("POST", "/rooms/" + roomId + "/invites", service().token(Service.OWNER),
                Service.inviteBody(email, first, last, role, false)).expect(201);
    }

    /** Signs the browser in on the start page, as a person would (POST /dev/token from the page). */
    static void signIn(Browser b, String email) {
        b.get(web() + "/");
        b.find("#si-email").sendKeys(email);
        b.find("#signin-form button[type=submit]").click();
        b.awaitText("#signin-status", "Signed in as " + email.toLowerCase(java.util.Locale.ROOT), 10);
    }

    static void signInAsOwner(Browser b) {
        b.get(web() + "/");
        b.find("#as-owner").click();
        b.awaitText("#signin-status", "Signed in as " + Service.OWNER, 10);
    }
}
