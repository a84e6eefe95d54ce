package io.roominvites.http;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Every route the service answers, declared once: its method and path, the Lambda function that serves it, the
 * largest body it takes, and whether it signs or verifies the service's tokens or emails. The functions' handlers
 * ({@link #servedBy}), {@code App} (what to load at start-up), the router (body limits) and the contract tests (the
 * template's routes, environments and permissions) all derive from this table. The local runner serves every
 * route, the local-only ones ({@link Function#LOCAL}) included; the SAM template wires exactly the others.
 */
public enum Operation {
    GET_SETTINGS("GET", "/admin/settings", Function.ADMIN),
    PUT_SETTINGS("PUT", "/admin/settings", Function.ADMIN),
    PUT_ROOM("PUT", "/admin/rooms/{roomId}", Function.ADMIN),
    DELETE_ROOM("DELETE", "/admin/rooms/{roomId}", Function.ADMIN),
    PUT_USER("PUT", "/admin/users/{email}", Function.ADMIN),
    START_ERASURE("POST", "/admin/erasures", Function.ADMIN, Needs.ERASURE_QUEUE),
    GET_ERASURE("GET", "/admin/erasures/{erasureId}", Function.ADMIN),
    INVITE_OPTIONS("GET", "/rooms/{roomId}/invite-options", Function.MANAGER_READS, Needs.EMAIL),
    INVITEE_SUGGESTIONS("GET", "/rooms/{roomId}/invitee-suggestions", Function.MANAGER_READS),
    CREATE_INVITE("POST", "/rooms/{roomId}/invites", Function.CREATE_INVITE, Needs.KEYS, Needs.EMAIL),
    BULK_CREATE_INVITES("POST", "/rooms/{roomId}/invites/bulk", Function.CREATE_INVITE, 512 * 1024, Needs.KEYS, Needs.EMAIL),
    LIST_INVITES("GET", "/rooms/{roomId}/invites", Function.MANAGER_READS, Needs.KEYS),
    EXPORT_INVITES("GET", "/rooms/{roomId}/invites/export", Function.MANAGER_READS, Needs.KEYS),
    REVOKE_INVITE("DELETE", "/rooms/{roomId}/invites/{inviteId}", Function.REVOKE_INVITE),
    PROMOTE_INVITE("POST", "/rooms/{roomId}/invites/{inviteId}/promote", Function.PROMOTE_INVITE),
    RESEND_INVITE("POST", "/rooms/{roomId}/invites/{inviteId}/resend", Function.CREATE_INVITE, Needs.KEYS, Needs.EMAIL),
    REISSUE_INVITE("POST", "/rooms/{roomId}/invites/{inviteId}/reissue", Function.CREATE_INVITE, Needs.KEYS, Needs.EMAIL),
    RELEASE_DEVICE("POST", "/rooms/{roomId}/invites/{inviteId}/release-device", Function.REVOKE_INVITE),
    HISTORY("GET", "/rooms/{roomId}/invites/{inviteId}/history", Function.MANAGER_READS),
    PREVIEW_INVITE("POST", "/invites/preview", Function.REDEEM_INVITE, Needs.KEYS),
    REDEEM_INVITE("POST", "/invites/redeem", Function.REDEEM_INVITE, Needs.KEYS),
    EXCHANGE_CODE("POST", "/invites/code", Function.REDEEM_INVITE, Needs.KEYS),
    INVITE_CALENDAR("POST", "/invites/calendar", Function.REDEEM_INVITE, Needs.KEYS),
    CREATE_GUEST_LINK("POST", "/rooms/{roomId}/guest-links", Function.CREATE_INVITE, Needs.KEYS),
    LIST_GUEST_LINKS("GET", "/rooms/{roomId}/guest-links", Function.MANAGER_READS, Needs.KEYS),
    REVOKE_GUEST_LINK("DELETE", "/rooms/{roomId}/guest-links/{guestLinkId}", Function.REVOKE_INVITE),
    PREVIEW_GUEST("POST", "/guest/preview", Function.REDEEM_INVITE, Needs.KEYS),
    REDEEM_GUEST("POST", "/guest/redeem", Function.REDEEM_INVITE, Needs.KEYS),
    ASK_TO_JOIN("POST", "/invites/join-requests", Function.REDEEM_INVITE, Needs.KEYS),
    JOIN_REQUEST_STATUS("POST", "/invites/join-requests/status", Function.REDEEM_INVITE, Needs.KEYS),
    LIST_JOIN_REQUESTS("GET", "/rooms/{roomId}/join-requests", Function.MANAGER_READS, Needs.KEYS),
    ADMIT_JOIN_REQUEST("POST", "/rooms/{roomId}/join-requests/{joinRequestId}/admit", Function.CREATE_INVITE, Needs.KEYS,
            Needs.EMAIL),
    DECLINE_JOIN_REQUEST("POST", "/rooms/{roomId}/join-requests/{joinRequestId}/decline", Function.REVOKE_INVITE),
    JWKS("GET", "/.well-known/jwks.json", Function.JWKS, Needs.KEYS),
    OPENID_CONFIGURATION("GET", "/.well-known/openid-configuration", Function.JWKS),
    DEV_TOKEN("POST", "/dev/token", Function.LOCAL),
    DEV_CLOCK("POST", "/dev/clock", Function.LOCAL),
    DEV_EVENTS("GET", "/dev/events", Function.LOCAL),
    DEV_SES_EVENT("POST", "/dev/ses-event", Function.LOCAL);

    /** The Lambda functions behind the API, by their logical id in template.yaml; LOCAL: the local runner only. */
    public enum Function {
        CREATE_INVITE("CreateInviteFunction"),
        REDEEM_INVITE("RedeemInviteFunction"),
        REVOKE_INVITE("RevokeInviteFunction"),
        PROMOTE_INVITE("PromoteInviteFunction"),
        MANAGER_READS("ManagerReadsFunction"),
        ADMIN("AdminFunction"),
        JWKS("JwksFunction"),
        LOCAL(null);

        private final String logicalId;

        Function(String logicalId) {
            this.logicalId = logicalId;
        }

        /** Its resource name in template.yaml (null for LOCAL). */
        public String logicalId() {
            return logicalId;
        }
    }

    /** What an operation needs beyond the table and the callers' identity provider. */
    public enum Needs {
        /** The signing keys: it signs or verifies link and access tokens (or the list's sealed cursors). */
        KEYS,
        /** The email gateway (SES v2): it sends, or tells whether the configured template exists. */
        EMAIL,
        /** The erasure queue (SQS): it hands an erasure's job over. */
        ERASURE_QUEUE
    }

    /** The body limit of every route but the ones that say otherwise. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;

    private final String method;
    private final String pathTemplate;
    private final String[] segments;
    private final Function function;
    private final int maxBodyBytes;
    private final Set<Needs> needs;

    Operation(String method, String pathTemplate, Function function, Needs... needs) {
        this(method, pathTemplate, function, DEFAULT_MAX_BODY_BYTES, needs);
    }

    Operation(String method, String pathTemplate, Function function, int maxBodyBytes, Needs... needs) {
        this.method = method;
        this.pathTemplate = pathTemplate;
        this.segments = pathTemplate.substring(1).split("/");
        this.function = function;
        this.maxBodyBytes = maxBodyBytes;
        EnumSet<Needs> n = EnumSet.noneOf(Needs.class);
        Collections.addAll(n, needs);
        this.needs = Collections.unmodifiableSet(n);
    }

    /** The operations a function serves (its handler's set). */
    public static EnumSet<Operation> servedBy(Function function) {
        EnumSet<Operation> out = EnumSet.noneOf(Operation.class);
        for (Operation op : values()) {
            if (op.function == function) {
                out.add(op);
            }
        }
        return out;
    }

    /** Whether any of {@code operations} needs {@code what}. */
    public static boolean anyNeeds(Set<Operation> operations, Needs what) {
        for (Operation op : operations) {
            if (op.needs.contains(what)) {
                return true;
            }
        }
        return false;
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
        return maxBodyBytes;
    }

    public Function function() {
        return function;
    }

    public boolean needs(Needs what) {
        return needs.contains(what);
    }

    public boolean localOnly() {
        return function == Function.LOCAL;
    }

    String[] segments() {
        return segments;
    }
}
