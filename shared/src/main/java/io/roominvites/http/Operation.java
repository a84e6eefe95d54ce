package io.roominvites.http;

/**
 * Every route the service answers. Each Lambda function serves a subset; the local runner serves all,
 * including the local-only ones. The SAM template wires exactly the non-local routes.
 */
public enum Operation {
    GET_SETTINGS("GET", "/admin/settings"),
    PUT_SETTINGS("PUT", "/admin/settings"),
    PUT_ROOM("PUT", "/admin/rooms/{roomId}"),
    DELETE_ROOM("DELETE", "/admin/rooms/{roomId}"),
    PUT_USER("PUT", "/admin/users/{email}"),
    INVITE_OPTIONS("GET", "/rooms/{roomId}/invite-options"),
    INVITEE_SUGGESTIONS("GET", "/rooms/{roomId}/invitee-suggestions"),
    CREATE_INVITE("POST", "/rooms/{roomId}/invites"),
    BULK_CREATE_INVITES("POST", "/rooms/{roomId}/invites/bulk"),
    LIST_INVITES("GET", "/rooms/{roomId}/invites"),
    REVOKE_INVITE("DELETE", "/rooms/{roomId}/invites/{inviteId}"),
    PROMOTE_INVITE("POST", "/rooms/{roomId}/invites/{inviteId}/promote"),
    RESEND_INVITE("POST", "/rooms/{roomId}/invites/{inviteId}/resend"),
    REISSUE_INVITE("POST", "/rooms/{roomId}/invites/{inviteId}/reissue"),
    RELEASE_DEVICE("POST", "/rooms/{roomId}/invites/{inviteId}/release-device"),
    HISTORY("GET", "/rooms/{roomId}/invites/{inviteId}/history"),
    PREVIEW_INVITE("POST", "/invites/preview"),
    REDEEM_INVITE("POST", "/invites/redeem"),
    JWKS("GET", "/.well-known/jwks.json"),
    OPENID_CONFIGURATION("GET", "/.well-known/openid-configuration"),
    DEV_TOKEN("POST", "/dev/token"),
    DEV_CLOCK("POST", "/dev/clock"),
    DEV_EVENTS("GET", "/dev/events"),
    DEV_SES_EVENT("POST", "/dev/ses-event");

    private final String method;
    private final String pathTemplate;
    private final String[] segments;

    Operation(String method, String pathTemplate) {
        this.method = method;
        this.pathTemplate = pathTemplate;
        this.segments = pathTemplate.substring(1).split("/");
    }

    public String method() {
        return method;
    }

    public String pathTemplate() {
        return pathTemplate;
    }

    /** As API Gateway names it: {@code "POST /rooms/{roomId}/invites"}. */
    public String routeKey() {
        return method + " " + pathTemplate;
    }

    /** The largest request body this operation takes: 16 KB, and 512 KB for a bulk create of up to 500 rows. */
    public int maxBodyBytes() {
        return this == BULK_CREATE_INVITES ? 512 * 1024 : Router.MAX_BODY_BYTES;
    }

    public boolean localOnly() {
        return this == DEV_TOKEN || this == DEV_CLOCK || this == DEV_EVENTS || this == DEV_SES_EVENT;
    }

    String[] segments() {
        return segments;
    }
}
