package io.roominvites.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** API Gateway HTTP API (payload 2.0) events as the Lambda runtime hands them to a handler. */
final class Events {
    static final String REDEEM_HANDLER = "io.roominvites.functions.redeeminvite.RedeemInviteHandler";
    static final String CREATE_HANDLER = "io.roominvites.functions.createinvite.CreateInviteHandler";
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");

    private Events() {
    }

    /** The handler instantiated as the Lambda runtime does (by name, no-argument constructor). */
    @SuppressWarnings("unchecked")
    static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler(String className) throws Exception {
        return (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) Class.forName(className)
                .getDeclaredConstructor().newInstance();
    }

    static APIGatewayV2HTTPEvent event(String method, String path, String bearer, String body) {
        return io.roominvites.lambda.SnapStartPriming.event(method, path, bearer, body, UUID.randomUUID().toString());
    }

    static APIGatewayV2HTTPEvent redeem(String token, String device, String email) {
        return event("POST", "/invites/redeem", null, "{\"token\":\"" + token + "\",\"deviceId\":\"" + device + "\""
                + (email == null ? "" : ",\"email\":\"" + email + "\"") + "}");
    }

    static APIGatewayV2HTTPEvent preview(String token, String device) {
        return event("POST", "/invites/preview", null, "{\"token\":\"" + token + "\",\"deviceId\":\"" + device + "\"}");
    }

    static APIGatewayV2HTTPEvent create(String roomId, String bearer, String email) {
        return event("POST", "/rooms/" + roomId + "/invites", bearer, "{\"email\":\"" + email
                + "\",\"firstName\":\"Bench\",\"lastName\":\"Guest\",\"role\":\"VIEWER\",\"sendEmail\":false}");
    }

    /** The error code of an error answer, or {@code HTTP_<status>} when there is none. */
    static String code(APIGatewayV2HTTPResponse r) {
        Matcher m = r.getBody() == null ? null : CODE.matcher(r.getBody());
        return m != null && m.find() ? m.group(1) : "HTTP_" + r.getStatusCode();
    }

    static APIGatewayV2HTTPResponse expect(APIGatewayV2HTTPResponse r, int status) {
        if (r.getStatusCode() != status) {
            throw new IllegalStateException("expected HTTP " + status + " but got " + r.getStatusCode() + ": " + r.getBody());
        }
        return r;
    }
}
