package io.roominvites.local;

import com.sun.net.httpserver.HttpServer;
import io.roominvites.email.EmailGateway;

import java.util.Map;

/**
 * Chooses the local runner's email backend. Placeholder until the outbox lands (issue 3): no template
 * exists, so "Send link via email" is not offered locally.
 */
final class LocalEmail {
    static final String DEFAULT_TEMPLATE = "RoomInvitation";

    private LocalEmail() {
    }

    static EmailGateway choose(String base, Map<String, String> env) {
        return EmailGateway.NONE;
    }

    static void addRoutes(HttpServer server, EmailGateway email) {
        // the outbox routes arrive with the email issue
    }
}
