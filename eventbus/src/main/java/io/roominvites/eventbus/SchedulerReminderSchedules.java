package io.roominvites.eventbus;

import io.roominvites.aws.AwsClients;
import io.roominvites.aws.Config;
import io.roominvites.aws.SignedJsonCall;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.json.Json;
import io.roominvites.schedule.ReminderSchedules;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link ReminderSchedules} on Amazon EventBridge Scheduler: one one-time schedule ({@code at(...)}, UTC, deleted by
 * Scheduler after it fired) per room and minutes before, in the stack's schedule group, whose target is the follow-up
 * queue (SQS) with the reminder's message as its input, sent with the stack's scheduler role. Named
 * {@code r-{SHA-256 of the room id, 160 bits}-{minutes}} (a room id may hold characters a name may not).
 *
 * <p>Not the SDK's Scheduler client: three calls of a REST-JSON API, signed by the SDK's own SigV4 signer and sent on
 * the container's one HTTP client ({@link SignedJsonCall#send}). Throttling and 5xx answers are tried again, at most
 * {@value #ATTEMPTS} times; then SERVICE_UNAVAILABLE (the stream delivers the room's change again).
 */
public final class SchedulerReminderSchedules implements ReminderSchedules {
    static final int ATTEMPTS = 3;
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final Region region;
    private final URI endpoint;
    private final String group;
    private final String targetArn;
    private final String roleArn;

    public SchedulerReminderSchedules(SdkHttpClient http, AwsCredentialsProvider credentials, Region region, URI endpoint,
                                      String group, String targetArn, String roleArn) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
        this.group = group;
        this.targetArn = targetArn;
        this.roleArn = roleArn;
    }

    /**
     * From {@link Config#REMINDER_SCHEDULE_GROUP}, {@link Config#FOLLOW_UP_QUEUE_ARN} and
     * {@link Config#REMINDER_SCHEDULE_ROLE_ARN}; null when the group is unset (reminders are then not scheduled).
     * Endpoint: AWS_ENDPOINT_URL_SCHEDULER, then AWS_ENDPOINT_URL, else the region's.
     */
    public static ReminderSchedules fromConfig(Config config) {
        String group = config.raw(Config.REMINDER_SCHEDULE_GROUP);
        if (group == null || group.isBlank()) {
            return null;
        }
        String target = config.required(Config.FOLLOW_UP_QUEUE_ARN, "the follow-up queue's ARN (the reminders' target)");
        String role = config.required(Config.REMINDER_SCHEDULE_ROLE_ARN, "the role EventBridge Scheduler sends reminders with");
        Region region = new DefaultAwsRegionProviderChain().getRegion();
        String override = System.getenv("AWS_ENDPOINT_URL_SCHEDULER");
        if (override == null || override.isBlank()) {
            override = System.getenv("AWS_ENDPOINT_URL");
        }
        URI endpoint = URI.create(override != null && !override.isBlank() ? override
                : "https://scheduler." + region.id() + ".amazonaws.com");
        return new SchedulerReminderSchedules(AwsClients.httpClient(), DefaultCredentialsProvider.builder().build(), region,
                endpoint, group, target, role);
    }

    /** The schedule's name for a room's reminder. */
    static String name(String roomId, int minutesBefore) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(roomId.getBytes(StandardCharsets.UTF_8));
            return "r-" + HexFormat.of().formatHex(h, 0, 20) + "-" + minutesBefore;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void put(String roomId, int minutesBefore, Instant at, String message) {
        String name = name(roomId, minutesBefore);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ActionAfterCompletion", "DELETE");
        body.put("Description", "room-invites reminder, " + minutesBefore + " minutes before the start");
        body.put("FlexibleTimeWindow", Map.of("Mode", "OFF"));
        body.put("GroupName", group);
        body.put("ScheduleExpression", "at(" + AT.format(at.truncatedTo(ChronoUnit.SECONDS)) + ")");
        body.put("ScheduleExpressionTimezone", "UTC");
        body.put("State", "ENABLED");
        body.put("Target", Map.of("Arn", targetArn, "RoleArn", roleArn, "Input", message,
                "RetryPolicy", Map.of("MaximumEventAgeInSeconds", 3600, "MaximumRetryAttempts", 10)));
        byte[] payload = Json.write(body).getBytes(StandardCharsets.UTF_8);
        // update in place (a moved room); none yet: create; created meanwhile by a racing delivery: update after all
        for (int round = 0; round < 3; round++) {
            SignedJsonCall.Answer updated = call(SdkHttpMethod.PUT, path(name), payload);
            if (ok(updated)) {
                return;
            }
            if (updated.status() != 404 && !updated.body().contains("ResourceNotFoundException")) {
                throw failed("UpdateSchedule", updated);
            }
            SignedJsonCall.Answer created = call(SdkHttpMethod.POST, path(name), payload);
            if (ok(created)) {
                return;
            }
            if (created.status() != 409 && !created.body().contains("ConflictException")) {
                throw failed("CreateSchedule", created);
            }
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    @Override
    public void delete(String roomId, int minutesBefore) {
        SignedJsonCall.Answer a = call(SdkHttpMethod.DELETE, path(name(roomId, minutesBefore))
                + "?groupName=" + URLEncoder.encode(group, StandardCharsets.UTF_8), null);
        if (!ok(a) && a.status() != 404) {
            throw failed("DeleteSchedule", a);
        }
    }

    /** The schedule as Scheduler answers GetSchedule, or null when there is none (operations and tests read it). */
    public Map<String, Object> describe(String roomId, int minutesBefore) {
        SignedJsonCall.Answer a = call(SdkHttpMethod.GET, path(name(roomId, minutesBefore))
                + "?groupName=" + URLEncoder.encode(group, StandardCharsets.UTF_8), null);
        if (a.status() == 404) {
            return null;
        }
        if (!ok(a)) {
            throw failed("GetSchedule", a);
        }
        try {
            return Json.parseObject(a.body());
        } catch (java.text.ParseException e) {
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }
    }

    private static String path(String name) {
        return "/schedules/" + name;
    }

    private static boolean ok(SignedJsonCall.Answer a) {
        return a.status() >= 200 && a.status() < 300;
    }

    /** One call, tried again on a network error, throttling or a 5xx; answers the last answer. */
    private SignedJsonCall.Answer call(SdkHttpMethod method, String pathAndQuery, byte[] payload) {
        URI uri = URI.create(endpoint.toString().replaceAll("/+$", "") + pathAndQuery);
        SignedJsonCall.Answer last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                try {
                    Thread.sleep(100L * (attempt - 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            try {
                last = SignedJsonCall.send(http, credentials.resolveCredentials(), region, "scheduler", method, uri, payload);
            } catch (IOException | RuntimeException e) {
                System.err.println("{\"event\":\"scheduler-call-failed\",\"attempt\":" + attempt + ",\"error\":\""
                        + e.getClass().getSimpleName() + "\"}");
                continue;
            }
            if (last.status() != 429 && last.status() < 500) {
                return last;
            }
        }
        if (last == null) {
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }
        return last;
    }

    private static InviteException failed(String operation, SignedJsonCall.Answer a) {
        // the error's type only (its message may name the schedule): e.g. AccessDeniedException, ValidationException
        java.util.regex.Matcher type = java.util.regex.Pattern.compile("\"__type\"\\s*:\\s*\"([A-Za-z#:.]+)\"|<Code>([A-Za-z]+)</Code>")
                .matcher(a.body());
        String error = type.find() ? (type.group(1) != null ? type.group(1) : type.group(2)) : "";
        System.err.println("{\"event\":\"scheduler-refused\",\"operation\":\"" + operation + "\",\"status\":" + a.status()
                + ",\"error\":\"" + error + "\"}");
        return new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }
}
