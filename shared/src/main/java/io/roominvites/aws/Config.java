package io.roominvites.aws;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every setting the functions read, from environment variables, in one place. Validated at cold start:
 * a missing or malformed variable stops the container with one message naming all of them, never a
 * NullPointerException on the first request. The SAM template sets exactly these names.
 */
public final class Config {
    public static final String TABLE_NAME = "TABLE_NAME";
    public static final String SIGNING_KEY_SECRET_ID = "SIGNING_KEY_SECRET_ID";
    public static final String SIGNING_KEYS_JSON = "SIGNING_KEYS_JSON";
    public static final String TOKEN_ISSUER = "TOKEN_ISSUER";
    public static final String ACCESS_TOKEN_AUDIENCE = "ACCESS_TOKEN_AUDIENCE";
    public static final String ACCESS_TOKEN_TTL_MINUTES = "ACCESS_TOKEN_TTL_MINUTES";
    public static final String IDP_JWKS_URL = "IDP_JWKS_URL";
    public static final String IDP_ISSUER = "IDP_ISSUER";
    public static final String IDP_AUDIENCE = "IDP_AUDIENCE";
    public static final String IDP_ALGORITHMS = "IDP_ALGORITHMS";
    public static final String CORS_ALLOWED_ORIGINS = "CORS_ALLOWED_ORIGINS";
    public static final String SETTINGS_CACHE_SECONDS = "SETTINGS_CACHE_SECONDS";
    public static final String EMAIL_FROM = "EMAIL_FROM";
    public static final String EMAIL_CONFIGURATION_SET = "EMAIL_CONFIGURATION_SET";
    public static final String EMAIL_TEMPLATE_CACHE_SECONDS = "EMAIL_TEMPLATE_CACHE_SECONDS";
    public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";
    /** The EventBridge bus the lifecycle events go to (the stream consumer only). */
    public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";
    /** The SQS queue bulk invitation emails are handed to (its URL); unset, a bulk batch sends at most 20 emails (set, a batch creating more hands all its emails to it). */
    public static final String EMAIL_QUEUE_URL = "EMAIL_QUEUE_URL";
    /** The SQS queue erasures' jobs are handed to (its URL): the admin function starts them, the erasure function runs them. */
    public static final String ERASURE_QUEUE_URL = "ERASURE_QUEUE_URL";
    /** The SQS queue follow-up fan-outs go to (calendar updates and cancellations, reminders): the stream consumer and the reminders' schedules send, the follow-up function consumes. */
    public static final String FOLLOW_UP_QUEUE_URL = "FOLLOW_UP_QUEUE_URL";
    /** The EventBridge Scheduler group the rooms' reminder schedules are kept in (the stream consumer only). */
    public static final String REMINDER_SCHEDULE_GROUP = "REMINDER_SCHEDULE_GROUP";
    /** The role EventBridge Scheduler takes to send a reminder to the follow-up queue (its ARN). */
    public static final String REMINDER_SCHEDULE_ROLE_ARN = "REMINDER_SCHEDULE_ROLE_ARN";
    /** The follow-up queue's ARN (the reminders' schedules' target). */
    public static final String FOLLOW_UP_QUEUE_ARN = "FOLLOW_UP_QUEUE_ARN";

    /** Every variable any function reads (the contract test compares this with template.yaml). */
    public static final List<String> ALL = List.of(TABLE_NAME, SIGNING_KEY_SECRET_ID, SIGNING_KEYS_JSON, TOKEN_ISSUER,
            ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TTL_MINUTES, IDP_JWKS_URL, IDP_ISSUER, IDP_AUDIENCE, IDP_ALGORITHMS,
            CORS_ALLOWED_ORIGINS, SETTINGS_CACHE_SECONDS, EMAIL_FROM, EMAIL_CONFIGURATION_SET, EMAIL_TEMPLATE_CACHE_SECONDS,
            METRICS_NAMESPACE, EVENT_BUS_NAME, EMAIL_QUEUE_URL, ERASURE_QUEUE_URL, FOLLOW_UP_QUEUE_URL,
            REMINDER_SCHEDULE_GROUP, REMINDER_SCHEDULE_ROLE_ARN, FOLLOW_UP_QUEUE_ARN);

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public Config(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static Config fromEnvironment() {
        return new Config(System.getenv());
    }

    public String raw(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public String required(String name, String what) {
        String v = raw(name);
        if (v == null) {
            problems.add(name + " is not set (" + what + ")");
        }
        return v;
    }

    public String optional(String name, String otherwise) {
        String v = raw(name);
        return v == null ? otherwise : v;
    }

    public int integer(String name, int otherwise, int min, int max) {
        String v = raw(name);
        if (v == null) {
            return otherwise;
        }
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(name + " must be a whole number from " + min + " to " + max + " (got '" + v + "')");
        return otherwise;
    }

    public URI url(String name, String what) {
        String v = required(name, what);
        if (v == null) {
            return null;
        }
        try {
            URI u = URI.create(v);
            if (u.getScheme() != null && u.getHost() != null && (u.getScheme().equals("https") || u.getScheme().equals("http"))) {
                return u;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        problems.add(name + " must be an http(s) URL (got '" + v + "')");
        return null;
    }

    public Set<String> list(String name) {
        Set<String> out = new LinkedHashSet<>();
        String v = raw(name);
        if (v != null) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    public void problem(String message) {
        problems.add(message);
    }

    /** Throws one exception naming every missing or malformed variable found so far. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigException("Configuration is incomplete: " + String.join("; ", problems)
                    + ". See the README's configuration table.");
        }
    }

    /** Stops a container whose configuration cannot work. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
