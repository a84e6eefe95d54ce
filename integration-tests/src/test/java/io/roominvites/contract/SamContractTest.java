package io.roominvites.contract;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import io.roominvites.aws.Config;
import io.roominvites.app.SigningKeys;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.http.Operation;
import io.roominvites.store.dynamo.TableSchema;
import io.roominvites.testing.Backends;
import io.roominvites.testing.EmulatorBackend;
import io.roominvites.testing.StoredEmail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static io.roominvites.contract.SamTemplate.getAtt;
import static io.roominvites.contract.SamTemplate.list;
import static io.roominvites.contract.SamTemplate.map;
import static io.roominvites.contract.SamTemplate.ref;
import static io.roominvites.contract.SamTemplate.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract between template.yaml, events/ and the code: what `sam deploy` and `sam local invoke` rely on.
 * No AWS account needed: DynamoDB Local and the SES v2 emulator stand in for AWS, a local identity provider for
 * the site's.
 *
 * <p>Static checks read template.yaml (with its intrinsic-function tags) against the code: handlers, routes,
 * environment, table, IAM, access logs, versions. The flow invokes every handler with every events/*.json file,
 * in file-name order, exactly as the Lambda Java runtime would (its own JVM per function, the shaded jar, the
 * environment `sam local invoke --env-vars events/env.json` would give it, SnapStart's CRaC hooks after init,
 * aws-lambda-java-serialization), then
 * holds each function's AWS calls against its IAM role and its logs against the tokens it handled.
 *
 * <p>Two mappings below are documentation as much as test data, because IAM and "which function needs which
 * variable" are decided by reading the code: {@link #VARIABLE_READERS} and {@link #PERMISSIONS}. The flow checks
 * the permissions mapping against the calls the functions really make; cold start checks the required variables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamContractTest {
    static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final Path TEMPLATE = ROOT.resolve("template.yaml");
    static final Path EVENTS = ROOT.resolve("events");
    static final Path ENV_JSON = EVENTS.resolve("env.json");

    /** Placeholders the events may hold; `envsubst` or this test fills them (docs/deploy.md). */
    static final Set<String> PLACEHOLDERS = Set.of("ADMIN_TOKEN", "OWNER_TOKEN", "INVITEE_TOKEN", "STARTS_AT", "ENDS_AT",
            "INVITE_ID", "LINK_TOKEN", "ERASURE_ID", "ACCESS_CODE", "GUEST_TOKEN", "GUEST_LINK_ID", "JOIN_REQUEST_ID");
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");

    private static final Set<Operation> ALL_BUT_JWKS = EnumSet.complementOf(EnumSet.of(Operation.JWKS,
            Operation.OPENID_CONFIGURATION, Operation.DEV_TOKEN, Operation.DEV_CLOCK, Operation.DEV_EVENTS,
            Operation.DEV_SES_EVENT));
    /** What Operation declares: the routes that need the signing keys, and the ones that need the email gateway. */
    private static final Set<Operation> SIGNING = needing(Operation.Needs.KEYS);
    private static final Set<Operation> EMAIL = needing(Operation.Needs.EMAIL);

    /**
     * Which operations read each variable of {@link Config#ALL} (App.fromConfig, SesEmailGateway.fromConfig): a
     * function must have exactly the variables its operations read. TABLE_NAME and the identity provider: every
     * operation but JWKS (no store, no callers). The signing key (secret or, locally, JSON): the operations that sign
     * or verify tokens. TOKEN_ISSUER: link tokens (create, resend, preview, redeem) and the OpenID discovery document;
     * JWKS only lists public keys.
     * ACCESS_TOKEN_*: only redeem issues access tokens. SETTINGS_CACHE_SECONDS: the operations that read the
     * settings through SettingsCache (admin reads and writes the store directly). EMAIL_*: the functions built with
     * SesEmailGateway (it reads all three). CORS_ALLOWED_ORIGINS and METRICS_NAMESPACE: the router of every function
     * (App.fromConfig reads both for every function).
     */
    private static Set<Operation> needing(Operation.Needs what) {
        Set<Operation> out = EnumSet.noneOf(Operation.class);
        for (Operation op : Operation.values()) {
            if (op.needs(what)) {
                out.add(op);
            }
        }
        return out;
    }

    static final Map<String, Set<Operation>> VARIABLE_READERS = Map.ofEntries(
            Map.entry(Config.TABLE_NAME, ALL_BUT_JWKS),
            Map.entry(Config.SIGNING_KEY_SECRET_ID, SIGNING),
            Map.entry(Config.SIGNING_KEYS_JSON, SIGNING),
            Map.entry(Config.TOKEN_ISSUER, EnumSet.of(Operation.CREATE_INVITE, Operation.BULK_CREATE_INVITES, Operation.RESEND_INVITE,
                    Operation.REISSUE_INVITE, Operation.LIST_INVITES, Operation.EXPORT_INVITES, Operation.PREVIEW_INVITE,
                    Operation.REDEEM_INVITE, Operation.OPENID_CONFIGURATION)),
            Map.entry(Config.ACCESS_TOKEN_AUDIENCE, EnumSet.of(Operation.REDEEM_INVITE)),
            Map.entry(Config.ACCESS_TOKEN_TTL_MINUTES, EnumSet.of(Operation.REDEEM_INVITE)),
            Map.entry(Config.IDP_JWKS_URL, ALL_BUT_JWKS),
            Map.entry(Config.IDP_ISSUER, ALL_BUT_JWKS),
            Map.entry(Config.IDP_AUDIENCE, ALL_BUT_JWKS),
            Map.entry(Config.IDP_ALGORITHMS, ALL_BUT_JWKS),
            Map.entry(Config.CORS_ALLOWED_ORIGINS, EnumSet.complementOf(EnumSet.of(Operation.DEV_TOKEN, Operation.DEV_CLOCK,
                    Operation.DEV_EVENTS, Operation.DEV_SES_EVENT))),
            Map.entry(Config.SETTINGS_CACHE_SECONDS, EnumSet.of(Operation.INVITE_OPTIONS, Operation.CREATE_INVITE,
                    Operation.BULK_CREATE_INVITES,
                    Operation.RESEND_INVITE, Operation.REISSUE_INVITE, Operation.PREVIEW_INVITE, Operation.REDEEM_INVITE)),
            Map.entry(Config.EMAIL_FROM, EMAIL),
            Map.entry(Config.EMAIL_CONFIGURATION_SET, EMAIL),
            Map.entry(Config.EMAIL_TEMPLATE_CACHE_SECONDS, EMAIL),
            Map.entry(Config.METRICS_NAMESPACE, EnumSet.complementOf(EnumSet.of(Operation.DEV_TOKEN, Operation.DEV_CLOCK,
                    Operation.DEV_EVENTS, Operation.DEV_SES_EVENT))),
            // no HTTP operation: the stream consumer (EVENT_FUNCTIONS)
            Map.entry(Config.EVENT_BUS_NAME, EnumSet.noneOf(Operation.class)),
            // a bulk batch creating more than 20 invitations with email hands all its emails to the email queue (SqsEmailQueue)
            Map.entry(Config.EMAIL_QUEUE_URL, EnumSet.of(Operation.BULK_CREATE_INVITES)),
            // an erasure's job goes to the erasure queue (SqsErasureQueue); ErasureFunction reads it too (EVENT_FUNCTIONS)
            Map.entry(Config.ERASURE_QUEUE_URL, EnumSet.of(Operation.START_ERASURE)),
            // no HTTP operation: the stream consumer starts follow-ups, FollowUpFunction fans them out (EVENT_FUNCTIONS)
            Map.entry(Config.FOLLOW_UP_QUEUE_URL, EnumSet.noneOf(Operation.class)),
            Map.entry(Config.FOLLOW_UP_QUEUE_ARN, EnumSet.noneOf(Operation.class)),
            Map.entry(Config.REMINDER_SCHEDULE_GROUP, EnumSet.noneOf(Operation.class)),
            Map.entry(Config.REMINDER_SCHEDULE_ROLE_ARN, EnumSet.noneOf(Operation.class)));

    /**
     * A function the HTTP API does not invoke: the event and response types its handler takes, the variables its
     * code requires (CORS_ALLOWED_ORIGINS comes with the template's Globals and is not read) and those it reads when
     * set ({@code optional}: the template sets them, a cold start without them does not name them), and the
     * permissions its role needs, in the {@link #PERMISSIONS} notation ("stream": the table's stream, "event-bus":
     * the template's bus, "queue": the template's queue).
     */
    record EventFunction(String eventType, String responseType, Set<String> variables, Set<String> optional,
                         Set<String> permissions) {
    }

    /**
     * InviteEventsFunction (InviteEventsHandler): a DynamoDB stream event as a JSON object (io.roominvites.lambda.StreamRecords
     * says why not DynamodbEvent); the table's stream, read by the event source mapping with the
     * function's role (DescribeStream, GetRecords, GetShardIterator, ListStreams); each invite's history written with
     * one conditional PutItem per event (DynamoInviteStore.recordHistory); a retired room's items deleted
     * (DynamoRoomRetirement); PutEvents on the bus
     * (EventBridgePublisher); the stream's on-failure destination (SendMessage).
     */
    static final Map<String, EventFunction> EVENT_FUNCTIONS = Map.of("InviteEventsFunction", new EventFunction(
            "java.util.Map<java.lang.String, java.lang.Object>", "java.util.Map<java.lang.String, java.lang.Object>",
            Set.of(Config.TABLE_NAME, Config.EVENT_BUS_NAME),
            // the follow-ups, where FOLLOW_UP_QUEUE_URL is set (App.followUpsFromConfig, SchedulerReminderSchedules)
            Set.of(Config.METRICS_NAMESPACE, Config.FOLLOW_UP_QUEUE_URL, Config.EMAIL_QUEUE_URL, Config.FOLLOW_UP_QUEUE_ARN,
                    Config.REMINDER_SCHEDULE_GROUP, Config.REMINDER_SCHEDULE_ROLE_ARN, Config.SETTINGS_CACHE_SECONDS,
                    "AWS_ENDPOINT_URL_SCHEDULER"),
            Set.of("dynamodb:PutItem table", "dynamodb:DescribeStream stream", "dynamodb:GetRecords stream",
                    "dynamodb:GetShardIterator stream", "dynamodb:ListStreams stream", "events:PutEvents event-bus",
                    // the stream's failure destination, a revoke's cancellation (email queue), a room's fan-out
                    // (follow-up queue); a room's reminder schedules, sent with the scheduler's role
                    "sqs:SendMessage queue", "scheduler:CreateSchedule schedule-group",
                    "scheduler:UpdateSchedule schedule-group", "scheduler:DeleteSchedule schedule-group",
                    "iam:PassRole role",
                    // a retired room (DynamoRoomRetirement): the room, its invites listed and each partition read,
                    // then deleted in transactions checking its gate
                    "dynamodb:GetItem table", "dynamodb:Query table", "dynamodb:Query index/" + TableSchema.ROOM_LIST_INDEX,
                    "dynamodb:ConditionCheckItem table tx", "dynamodb:DeleteItem table tx",
                    // an erased invitee's history rewritten without personal data (Invitee Erased)
                    "dynamodb:BatchWriteItem table")),
            // EmailFeedbackFunction (EmailFeedbackHandler, EmailFeedback): SES events from an EventBridge rule (a JSON
            // object); the invite of a message id (Query of the sparse index), the invite and its room
            // (BatchGetItem), the invite with the report at its revision (PutItem)
            "EmailFeedbackFunction", new EventFunction("java.util.Map<java.lang.String, java.lang.Object>",
                    "java.util.Map<java.lang.String, java.lang.Object>", Set.of(Config.TABLE_NAME), Set.of(Config.METRICS_NAMESPACE),
                    Set.of("dynamodb:Query index/" + TableSchema.EMAIL_MESSAGE_INDEX, "dynamodb:BatchGetItem table",
                            "dynamodb:PutItem table")),
            // EmailQueueFunction (EmailQueueHandler, QueuedEmails): an SQS event (a JSON object) from the email queue,
            // read and deleted by the event source mapping with the function's role; settings and an invite after a
            // conflict (GetItem), each job's invite with its room (BatchGetItem), the claim and the outcome (PutItem);
            // the signing keys (each email's link) and SES, as create-invite sends
            "EmailQueueFunction", new EventFunction("java.util.Map<java.lang.String, java.lang.Object>",
                    "java.util.Map<java.lang.String, java.lang.Object>",
                    Set.of(Config.TABLE_NAME, Config.SIGNING_KEY_SECRET_ID, Config.EMAIL_FROM),
                    Set.of(Config.METRICS_NAMESPACE, Config.SIGNING_KEYS_JSON, Config.TOKEN_ISSUER, Config.SETTINGS_CACHE_SECONDS,
                            Config.EMAIL_CONFIGURATION_SET, Config.EMAIL_TEMPLATE_CACHE_SECONDS),
                    Set.of("sqs:ReceiveMessage queue", "sqs:DeleteMessage queue", "sqs:GetQueueAttributes queue",
                            "dynamodb:GetItem table", "dynamodb:BatchGetItem table", "dynamodb:PutItem table",
                            // a follow-up's claim settled (FollowUpSender)
                            "dynamodb:UpdateItem table",
                            "secretsmanager:GetSecretValue secret", "ses:GetEmailTemplate ses:template",
                            "ses:SendEmail ses:identity", "ses:SendEmail ses:template", "ses:SendEmail ses:configuration-set")),
            // ErasureFunction (ErasureHandler, Erasures.run): an SQS event (a JSON object) from the erasure queue, read
            // and deleted by the event source mapping with the function's role; the erasure and an invite after a
            // conflict (GetItem), the holders of an address (Query of the erasure-key index), a page's invites
            // (BatchGetItem), each history (Query) rewritten (BatchWriteItem), a key's record deleted (DeleteItem),
            // each invite erased and counted and the erasure finished in transactions (PutItem, UpdateItem, DeleteItem);
            // a run out of its budget hands the rest back (SendMessage)
            "ErasureFunction", new EventFunction("java.util.Map<java.lang.String, java.lang.Object>",
                    "java.util.Map<java.lang.String, java.lang.Object>", Set.of(Config.TABLE_NAME, Config.ERASURE_QUEUE_URL),
                    Set.of(Config.METRICS_NAMESPACE),
                    Set.of("sqs:ReceiveMessage queue", "sqs:DeleteMessage queue", "sqs:GetQueueAttributes queue",
                            "sqs:SendMessage queue", "dynamodb:Query index/" + TableSchema.EMAIL_KEY_INDEX,
                            "dynamodb:GetItem table", "dynamodb:BatchGetItem table", "dynamodb:Query table",
                            "dynamodb:BatchWriteItem table", "dynamodb:DeleteItem table", "dynamodb:PutItem table tx",
                            "dynamodb:UpdateItem table tx", "dynamodb:DeleteItem table tx")),
            // FollowUpFunction (FollowUpsHandler, FollowUps.fanOut): an SQS event (a JSON object) from the follow-up
            // queue, read and deleted by the event source mapping with the function's role; the room and settings
            // (GetItem), the room's invites a page at a time (Query of the list index, BatchGetItem); the email jobs
            // (the email queue) and a fan-out out of its budget handed back (the follow-up queue): SendMessage
            "FollowUpFunction", new EventFunction("java.util.Map<java.lang.String, java.lang.Object>",
                    "java.util.Map<java.lang.String, java.lang.Object>",
                    Set.of(Config.TABLE_NAME, Config.EMAIL_QUEUE_URL, Config.FOLLOW_UP_QUEUE_URL),
                    Set.of(Config.METRICS_NAMESPACE, Config.SETTINGS_CACHE_SECONDS),
                    Set.of("sqs:ReceiveMessage queue", "sqs:DeleteMessage queue", "sqs:GetQueueAttributes queue",
                            "sqs:SendMessage queue", "dynamodb:GetItem table", "dynamodb:BatchGetItem table",
                            "dynamodb:Query index/" + TableSchema.ROOM_LIST_INDEX)));

    /** Variables required at cold start (App.fromConfig / SesEmailGateway.fromConfig call them required). */
    static final Set<String> REQUIRED = Set.of(Config.TABLE_NAME, Config.SIGNING_KEY_SECRET_ID, Config.IDP_JWKS_URL,
            Config.IDP_ISSUER, Config.IDP_AUDIENCE, Config.EMAIL_FROM);

    /**
     * The AWS SDK's own endpoint variables. `sam local invoke --env-vars` only sets variables the template declares,
     * so the functions that call DynamoDB or SES declare them, with the regional endpoint the SDK would use anyway
     * (an empty value breaks the SDK); events/env.json points them at the local emulators.
     */
    static final Map<String, String> SDK_ENDPOINTS = Map.of(
            "AWS_ENDPOINT_URL_DYNAMODB", "https://dynamodb.${AWS::Region}.${AWS::URLSuffix}",
            "AWS_ENDPOINT_URL_SESV2", "https://email.${AWS::Region}.${AWS::URLSuffix}",
            "AWS_ENDPOINT_URL_EVENTBRIDGE", "https://events.${AWS::Region}.${AWS::URLSuffix}",
            // the reminder schedules (SchedulerReminderSchedules honours it)
            "AWS_ENDPOINT_URL_SCHEDULER", "https://scheduler.${AWS::Region}.${AWS::URLSuffix}",
            // the signing-key read (AwsClients.SecretsManagerGet honours it): MotoBackendTest points it at moto
            "AWS_ENDPOINT_URL_SECRETS_MANAGER", "https://secretsmanager.${AWS::Region}.${AWS::URLSuffix}");

    /**
     * The IAM permissions each operation needs, from DynamoInviteStore (which calls each operation makes),
     * SesEmailGateway and App (the signing-key secret). "tx": an item action used only inside TransactWriteItems,
     * which IAM authorises per item (ConditionCheckItem, PutItem, DeleteItem).
     */
    static final Map<Operation, Set<String>> PERMISSIONS = permissions();

    private static Map<Operation, Set<String>> permissions() {
        String get = "dynamodb:GetItem table";
        String query = "dynamodb:Query table";
        String secret = "secretsmanager:GetSecretValue secret";
        Set<String> send = Set.of("ses:GetEmailTemplate ses:template", "ses:SendEmail ses:identity",
                "ses:SendEmail ses:template", "ses:SendEmail ses:configuration-set");
        String batchGet = "dynamodb:BatchGetItem table";
        String put = "dynamodb:PutItem table";
        Set<String> gated = Set.of("dynamodb:ConditionCheckItem table tx", "dynamodb:PutItem table tx");
        Set<String> roomTx = Set.of("dynamodb:UpdateItem table tx", "dynamodb:PutItem table tx");
        Map<Operation, Set<String>> m = new EnumMap<>(Operation.class);
        m.put(Operation.GET_SETTINGS, Set.of(get));
        m.put(Operation.PUT_SETTINGS, Set.of(put));
        m.put(Operation.PUT_ROOM, roomTx);
        m.put(Operation.DELETE_ROOM, roomTx);
        m.put(Operation.PUT_USER, Set.of(put, "dynamodb:PutItem table tx", "dynamodb:DeleteItem table tx"));
        // the directory entry (GetItem, deleted in a transaction), the erasure and its lock (a transaction of two
        // Puts; the running one read when the lock is taken), its job handed to the erasure queue
        m.put(Operation.START_ERASURE, Set.of(get, "dynamodb:PutItem table tx", "dynamodb:DeleteItem table tx",
                "sqs:SendMessage queue"));
        m.put(Operation.GET_ERASURE, Set.of(get));
        m.put(Operation.INVITE_OPTIONS, Set.of(get, "ses:GetEmailTemplate ses:template"));
        m.put(Operation.INVITEE_SUGGESTIONS, Set.of(get, query));
        m.put(Operation.LIST_INVITES, Set.of(get, batchGet, secret, "dynamodb:Query index/" + TableSchema.ROOM_LIST_INDEX,
                "dynamodb:Query index/" + TableSchema.STATUS_LIST_INDEX));
        m.put(Operation.EXPORT_INVITES, Set.of(get, batchGet, secret, "dynamodb:Query index/" + TableSchema.ROOM_LIST_INDEX,
                "dynamodb:Query index/" + TableSchema.STATUS_LIST_INDEX));
        m.put(Operation.CREATE_INVITE, union(Set.of(get, batchGet, "dynamodb:ConditionCheckItem table tx",
                "dynamodb:PutItem table tx", put, secret), send));
        // bulk: the room (and key) read, the key's plan put, invites in transactions (ConditionCheck + Puts), emails
        m.put(Operation.BULK_CREATE_INVITES, union(Set.of(get, batchGet, "dynamodb:ConditionCheckItem table tx",
                "dynamodb:PutItem table tx", put, secret, "sqs:SendMessage queue"), send));
        m.put(Operation.RESEND_INVITE, union(Set.of(get, batchGet, put, secret), send));
        m.put(Operation.REISSUE_INVITE, union(union(Set.of(get, batchGet, put, secret), gated), send));
        m.put(Operation.REVOKE_INVITE, Set.of(batchGet, put));
        m.put(Operation.RELEASE_DEVICE, union(Set.of(batchGet), gated));
        m.put(Operation.PROMOTE_INVITE, union(Set.of(batchGet), gated));
        m.put(Operation.PREVIEW_INVITE, Set.of(get, batchGet, secret));
        m.put(Operation.INVITE_CALENDAR, Set.of(get, batchGet, secret)); // the preview's read, then the file
        m.put(Operation.REDEEM_INVITE, union(Set.of(get, batchGet, put, secret), gated));
        // the failure ledgers and the invites (BatchGetItem), the room's invites of the email (Query of the erasure-key
        // index), a failure booked on both ledgers (a transaction of Puts), the link token (the signing keys)
        m.put(Operation.EXCHANGE_CODE, Set.of(batchGet, secret, "dynamodb:Query index/" + TableSchema.EMAIL_KEY_INDEX,
                "dynamodb:PutItem table tx"));
        m.put(Operation.JWKS, Set.of(secret));
        m.put(Operation.OPENID_CONFIGURATION, Set.of());
        m.put(Operation.HISTORY, Set.of(batchGet, query));
        Set<String> answerTx = Set.of("dynamodb:UpdateItem table tx", "dynamodb:DeleteItem table tx");
        // the room and settings (GetItem), the room's links and slots (Query), the link with its slot (a transaction)
        m.put(Operation.CREATE_GUEST_LINK, Set.of(get, query, "dynamodb:PutItem table tx", secret));
        m.put(Operation.LIST_GUEST_LINKS, Set.of(get, query, batchGet, secret)); // + the use counters, the links' tokens
        m.put(Operation.REVOKE_GUEST_LINK, union(Set.of(get, batchGet), answerTx)); // the link revoked, its slot freed
        // the link, its room and the device's claim (GetItem), the counters (BatchGetItem)
        m.put(Operation.PREVIEW_GUEST, Set.of(get, batchGet, secret));
        // + the device's claim and a counter shard's increment, one transaction
        m.put(Operation.REDEEM_GUEST, Set.of(get, batchGet, secret, "dynamodb:PutItem table tx", "dynamodb:UpdateItem table tx"));
        // the caller's ledger and the refused invite with its room (BatchGetItem), the ledger booked and the request
        // with its pending marker (transactions of Puts)
        m.put(Operation.ASK_TO_JOIN, Set.of(get, batchGet, secret, "dynamodb:PutItem table tx"));
        m.put(Operation.JOIN_REQUEST_STATUS, Set.of(get, secret));
        m.put(Operation.LIST_JOIN_REQUESTS, Set.of(get, query, secret));
        // a fresh invite as a create makes it, then the request answered with its marker freed (a transaction); an
        // admit that lost to another answer revokes its invite
        m.put(Operation.ADMIT_JOIN_REQUEST, union(union(m.get(Operation.CREATE_INVITE), answerTx), Set.of(batchGet, put)));
        m.put(Operation.DECLINE_JOIN_REQUEST, union(Set.of(get), answerTx));
        return m;
    }

    /** Access-log variables that can never hold a token, a header, a query string or a body. */
    static final Set<String> SAFE_ACCESS_LOG_VARIABLES = Set.of("requestId", "extendedRequestId", "routeKey", "status",
            "requestTime", "requestTimeEpoch", "responseLatency", "integrationLatency", "integrationStatus",
            "integrationErrorMessage", "responseLength", "protocol", "httpMethod", "identity.sourceIp", "apiId", "stage",
            "domainName", "error.message", "error.responseType", "awsEndpointRequestId");

    private SamTemplate template;
    private Deployment deployment;

    @BeforeAll
    void loadTemplate() throws IOException {
        template = SamTemplate.load(TEMPLATE);
    }

    @AfterAll
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
    }

    // ================================================================== handlers and artifacts

    @Test
    void everyHandlerIsInItsBuiltJarImplementsRequestHandlerAndFailsFastWithoutConfiguration() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String fn : template.functions()) {
            Path jar = jar(fn);
            String handler = handler(fn);
            String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
            if (handler.contains("::") && !handler.endsWith("::handleRequest")) {
                problems.add(fn + ": Handler " + handler + " must name RequestHandler.handleRequest");
            }
            if (!Files.isRegularFile(jar)) {
                problems.add(fn + ": CodeUri " + jar + " does not exist: run `mvn package` first");
                continue;
            }
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                if (zip.getEntry(className.replace('.', '/') + ".class") == null) {
                    problems.add(fn + ": Handler class " + className + " is not in " + ROOT.relativize(jar));
                    continue;
                }
            }
            if (!Boolean.TRUE.equals(map(template.resource(fn).getOrDefault("Metadata", Map.of())).get("SkipBuild"))) {
                problems.add(fn + ": Metadata.SkipBuild must be true (the jar is prebuilt by Maven; SAM's Maven builder cannot build this multi-module project)");
            }
            try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
                Class<?> requestHandler = Class.forName("com.amazonaws.services.lambda.runtime.RequestHandler", false, loader);
                Class<?> cls = Class.forName(className, false, loader);
                if (!requestHandler.isAssignableFrom(cls)) {
                    problems.add(fn + ": " + className + " does not implement " + requestHandler.getName());
                    continue;
                }
                Type[] types = LambdaRunner.typeArguments(cls, requestHandler);
                List<String> names = Arrays.stream(types).map(Type::getTypeName).toList();
                EventFunction ef = EVENT_FUNCTIONS.get(fn);
                if (ef != null) {
                    if (!names.equals(List.of(ef.eventType(), ef.responseType()))) {
                        problems.add(fn + ": " + className + " is a RequestHandler" + names + ", not of " + ef.eventType()
                                + " and " + ef.responseType());
                    }
                } else if (!names.equals(List.of("com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent",
                        "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse"))) {
                    problems.add(fn + ": " + className + " is a RequestHandler" + names + ", not of the HTTP API payload 2.0 event and response");
                }
                // Cold start in this JVM, whose environment has none of the function's variables: the handler must
                // refuse to start with Config's one message naming each missing required variable.
                problems.addAll(coldStartProblems(fn, className, loader));
            }
        }
        assertNoProblems("handlers and their built artifacts", problems);
    }

    private List<String> coldStartProblems(String fn, String className, ClassLoader loader) {
        List<String> problems = new ArrayList<>();
        Set<String> declared = template.environment(fn).keySet();
        Set<String> expected = new TreeSet<>();
        if (EVENT_FUNCTIONS.containsKey(fn)) {
            // the optional ones (METRICS_NAMESPACE has a default) are not named as missing
            EVENT_FUNCTIONS.get(fn).variables().stream().filter(v -> !v.equals(Config.METRICS_NAMESPACE))
                    .filter(v -> blank(System.getenv(v))).forEach(expected::add);
        }
        for (String v : REQUIRED) {
            if (readBy(v, operations(fn)) && blank(System.getenv(v))
                    && !(v.equals(Config.SIGNING_KEY_SECRET_ID) && !blank(System.getenv(Config.SIGNING_KEYS_JSON)))) {
                expected.add(v);
            }
        }
        try {
            Class.forName(className, true, loader);
            problems.add(fn + ": " + className + " started without any configuration (expected it to name " + expected + ")");
        } catch (ExceptionInInitializerError e) {
            problems.add(fn + ": cold start without configuration failed with " + e + " (the runtime would report an"
                    + " ExceptionInInitializerError, the message naming the variables only in its cause " + e.getCause() + ")");
            return problems;
        } catch (ReflectiveOperationException | LinkageError e) {
            problems.add(fn + ": could not load " + className + ": " + e);
        } catch (Error e) {
            // the init error the runtime reports: its own message names the missing variables
            Throwable cause = e;
            if (!e.getClass().getName().equals(io.roominvites.lambda.FunctionInitError.class.getName())
                    || e.getCause() == null || !e.getCause().getClass().getName().equals(Config.ConfigException.class.getName())) {
                problems.add(fn + ": cold start without configuration failed with " + e
                        + " instead of a FunctionInitError with Config's message naming the missing variables");
                return problems;
            }
            Set<String> named = new TreeSet<>();
            Matcher m = Pattern.compile("([A-Z][A-Z0-9_]+) is not set").matcher(cause.getMessage());
            while (m.find()) {
                named.add(m.group(1));
            }
            // App.fromConfig validates before it builds the email gateway, so EMAIL_FROM shows up only once the
            // rest is set (configurationIsValidatedAtColdStartWithOneClearMessage checks it on its own)
            Set<String> withoutEmail = new TreeSet<>(expected);
            withoutEmail.remove(Config.EMAIL_FROM);
            if (!named.equals(expected) && !named.equals(withoutEmail)) {
                problems.add(fn + ": cold start named " + named + " as missing, the mapping expects " + expected
                        + " (message: " + cause.getMessage() + ")");
            }
            for (String v : named) {
                if (!declared.contains(v)) {
                    problems.add(fn + ": the code requires " + v + " but template.yaml does not set it on " + fn);
                }
            }
        }
        return problems;
    }

    // ================================================================== routes

    @Test
    void templateRoutesAreExactlyTheRoutesEachHandlersRouterServes() throws Exception {
        Deployment d = deployment();
        List<String> problems = new ArrayList<>();
        Map<String, String> owner = new HashMap<>();
        for (String fn : template.functions()) {
            for (String route : template.httpApiRoutes(fn)) {
                String other = owner.put(route, fn);
            for (Operation op : Operation.values()) {
                if (op.routeKey().equals(route) && !fn.equals(op.function().logicalId())) {
                    problems.add(route + " is wired to " + fn + "; Operation." + op + " says " + op.function().logicalId());
                }
            }
                if (other != null) {
                    problems.add(route + " is wired to both " + other + " and " + fn);
                }
            }
            if (EVENT_FUNCTIONS.containsKey(fn)) {
                if (!template.httpApiRoutes(fn).isEmpty()) {
                    problems.add(fn + ": a function of EVENT_FUNCTIONS serves no HTTP route");
                }
                Map<String, Object> ready = d.process(fn).awaitInit();
                if (ready == null) {
                    problems.add(fn + " did not start: " + d.process(fn).initError());
                } else if (!EVENT_FUNCTIONS.get(fn).eventType().replaceAll("<.*", "").equals(ready.get("eventType"))) {
                    problems.add(fn + ": the runtime would deserialise events as " + ready.get("eventType"));
                }
                continue;
            }
            for (String e : template.otherEvents(fn)) {
                problems.add(fn + ": event " + e + " is not an HttpApi event");
            }
            Object events = template.properties(fn).get("Events");
            if (events != null) {
                map(events).forEach((name, e) -> {
                    Map<String, Object> p = map(map(e).get("Properties"));
                    if (!"HttpApi".equals(ref(p.get("ApiId")))) {
                        problems.add(fn + "." + name + ": ApiId must be !Ref HttpApi");
                    }
                    if (!"2.0".equals(String.valueOf(p.get("PayloadFormatVersion")))) {
                        problems.add(fn + "." + name + ": PayloadFormatVersion must be '2.0'");
                    }
                });
            }
            Map<String, Object> ready = d.process(fn).awaitInit();
            if (ready == null) {
                problems.add(fn + " did not start: " + d.process(fn).initError());
                continue;
            }
            if (!"com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent".equals(ready.get("eventType"))) {
                problems.add(fn + ": the runtime would deserialise events as " + ready.get("eventType"));
            }
            Object served = ready.get("routes");
            if (!(served instanceof List<?> routes)) {
                problems.add(fn + ": could not read the routes its router serves");
                continue;
            }
            Set<String> servedSet = routes.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
            Set<String> wired = new TreeSet<>(template.httpApiRoutes(fn));
            diff(problems, fn + ": routes in template.yaml that its router does not serve", minus(wired, servedSet));
            diff(problems, fn + ": routes its router serves that template.yaml does not wire to it", minus(servedSet, wired));
        }
        Set<String> contract = new TreeSet<>();
        for (Operation op : Operation.values()) {
            if (op.localOnly()) {
                if (owner.containsKey(op.routeKey())) {
                    problems.add(op.routeKey() + " is local-only and must never be in template.yaml");
                }
            } else {
                contract.add(op.routeKey());
            }
        }
        diff(problems, "contract routes (io.roominvites.http.Operation) missing from template.yaml", minus(contract, owner.keySet()));
        diff(problems, "template.yaml routes that are not contract routes", minus(owner.keySet(), contract));
        assertNoProblems("routes", problems);
    }

    // ================================================================== environment

    @Test
    void everyFunctionSetsExactlyTheEnvironmentVariablesItsCodeReads() {
        List<String> problems = new ArrayList<>();
        diff(problems, "Config.ALL variables with no entry in VARIABLE_READERS (say which operations read them)",
                minus(new TreeSet<>(Config.ALL), VARIABLE_READERS.keySet()));
        diff(problems, "VARIABLE_READERS names variables Config.ALL does not list", minus(VARIABLE_READERS.keySet(), new TreeSet<>(Config.ALL)));
        Set<String> setSomewhere = new TreeSet<>();
        for (String fn : template.functions()) {
            Set<Operation> ops = operations(fn);
            Set<String> expected = new TreeSet<>();
            VARIABLE_READERS.forEach((v, readers) -> {
                if (readBy(v, ops)) {
                    expected.add(v);
                }
            });
            if (EVENT_FUNCTIONS.containsKey(fn)) {
                expected.addAll(EVENT_FUNCTIONS.get(fn).variables());
                expected.addAll(EVENT_FUNCTIONS.get(fn).optional());
                expected.add(Config.CORS_ALLOWED_ORIGINS); // from Globals: every function has it
            }
            if (expected.contains(Config.EVENT_BUS_NAME)) {
                expected.add("AWS_ENDPOINT_URL_EVENTBRIDGE");
            }
            if (expected.contains(Config.TABLE_NAME)) {
                expected.add("AWS_ENDPOINT_URL_DYNAMODB");
            }
            if (expected.contains(Config.EMAIL_FROM)) {
                expected.add("AWS_ENDPOINT_URL_SESV2");
            }
            if (expected.contains(Config.SIGNING_KEY_SECRET_ID)) {
                expected.add("AWS_ENDPOINT_URL_SECRETS_MANAGER");
            }
            Map<String, Object> env = template.environment(fn);
            setSomewhere.addAll(env.keySet());
            diff(problems, fn + ": variables its code reads (" + ops + ") that template.yaml does not set", minus(expected, env.keySet()));
            diff(problems, fn + ": variables template.yaml sets that its code does not read", minus(env.keySet(), expected));
            for (Map.Entry<String, String> hook : SDK_ENDPOINTS.entrySet()) {
                if (env.containsKey(hook.getKey()) && !hook.getValue().equals(sub(env.get(hook.getKey())))) {
                    problems.add(fn + ": " + hook.getKey() + " must be !Sub '" + hook.getValue() + "' (the SDK's own regional endpoint)");
                }
            }
            if (env.containsKey(Config.SIGNING_KEYS_JSON) && !"".equals(env.get(Config.SIGNING_KEYS_JSON))) {
                problems.add(fn + ": SIGNING_KEYS_JSON must be '' in template.yaml (declared only so that sam local can set it; keys live in Secrets Manager)");
            }
            if (env.containsKey(Config.SIGNING_KEY_SECRET_ID) && !isResourceOfType(ref(env.get(Config.SIGNING_KEY_SECRET_ID)), "AWS::SecretsManager::Secret")) {
                problems.add(fn + ": SIGNING_KEY_SECRET_ID must be !Ref of the template's secret");
            }
            if (env.containsKey(Config.TABLE_NAME) && !isResourceOfType(ref(env.get(Config.TABLE_NAME)), "AWS::DynamoDB::Table")) {
                problems.add(fn + ": TABLE_NAME must be !Ref of the template's table");
            }
        }
        diff(problems, "Config.ALL variables no function sets", minus(new TreeSet<>(Config.ALL), setSomewhere));
        assertNoProblems("environment variables", problems);
    }

    @Test
    void envJsonGivesSamLocalAValueForEveryDeclaredVariableAndNothingItWouldIgnore() throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, Object> envJson = JSONObjectUtils.parse(Files.readString(ENV_JSON));
        Set<String> functions = new TreeSet<>(template.functions());
        for (String key : envJson.keySet()) {
            if (!key.equals("Parameters") && !functions.contains(key)) {
                problems.add("env.json section " + key + " is neither Parameters nor a function of template.yaml");
            }
        }
        Map<String, Object> params = section(envJson, "Parameters");
        Set<String> declaredAnywhere = new TreeSet<>();
        for (String fn : functions) {
            Set<String> declared = template.environment(fn).keySet();
            declaredAnywhere.addAll(declared);
            Map<String, Object> own = section(envJson, fn);
            for (String v : declared) {
                if (!own.containsKey(v) && !params.containsKey(v)) {
                    problems.add("env.json gives no value for " + v + " on " + fn + " (sam local would pass the template's unresolved value)");
                }
            }
            diff(problems, "env.json sets on " + fn + " variables it does not declare (sam local ignores them)", minus(own.keySet(), declared));
        }
        diff(problems, "env.json Parameters that no function declares (sam local ignores them)", minus(params.keySet(), declaredAnywhere));
        Object keys = params.get(Config.SIGNING_KEYS_JSON);
        try {
            SigningKeys.fromSecret(String.valueOf(keys));
        } catch (RuntimeException e) {
            problems.add("env.json SIGNING_KEYS_JSON is not a signing-key secret SigningKeys accepts: " + e.getMessage());
        }
        if (keys != null && !String.valueOf(keys).contains("LOCAL-ONLY")) {
            problems.add("env.json SIGNING_KEYS_JSON must say it is LOCAL-ONLY");
        }
        assertNoProblems("events/env.json", problems);
    }

    @Test
    void configurationIsValidatedAtColdStartWithOneClearMessage() throws Exception {
        Deployment d = deployment();
        Map<String, Object> missingFrom = d.probe("no-email-from").initError();
        Map<String, Object> malformed = d.probe("malformed").initError();
        List<String> problems = new ArrayList<>();
        String configException = io.roominvites.lambda.FunctionInitError.class.getName();
        if (missingFrom == null || !configException.equals(missingFrom.get("errorType"))
                || !String.valueOf(missingFrom.get("errorMessage")).contains("EMAIL_FROM is not set")) {
            problems.add("CreateInviteFunction without EMAIL_FROM: expected an init error naming EMAIL_FROM, got " + missingFrom);
        }
        if (malformed == null || !configException.equals(malformed.get("errorType"))
                || !String.valueOf(malformed.get("errorMessage")).contains("ACCESS_TOKEN_TTL_MINUTES must be a whole number")
                || !String.valueOf(malformed.get("errorMessage")).contains("IDP_JWKS_URL must be an http(s) URL")) {
            problems.add("RedeemInviteFunction with ACCESS_TOKEN_TTL_MINUTES=soon and IDP_JWKS_URL=jwks: expected one init error naming both, got " + malformed);
        }
        assertNoProblems("cold-start validation", problems);
    }

    // ================================================================== table

    @Test
    void theTableIsTheOneTheStoreExpects() throws Exception {
        List<String> problems = new ArrayList<>();
        List<String> tables = template.ofType("AWS::DynamoDB::Table");
        assertEquals(1, tables.size(), "template.yaml must declare exactly one DynamoDB table, has " + tables);
        Map<String, Object> t = template.properties(tables.get(0));
        expect(problems, "BillingMode", "PAY_PER_REQUEST", t.get("BillingMode"));
        expect(problems, "KeySchema", Map.of(TableSchema.PK, "HASH", TableSchema.SK, "RANGE"), keySchema(t.get("KeySchema")));
        Map<String, Map<String, String>> gsis = new TreeMap<>();
        Map<String, String> projections = new TreeMap<>();
        for (Object g : list(t.get("GlobalSecondaryIndexes"))) {
            Map<String, Object> gsi = map(g);
            gsis.put(String.valueOf(gsi.get("IndexName")), keySchema(gsi.get("KeySchema")));
            projections.put(String.valueOf(gsi.get("IndexName")), String.valueOf(map(gsi.get("Projection")).get("ProjectionType")));
        }
        expect(problems, "GlobalSecondaryIndexes", Map.of(
                TableSchema.ROOM_LIST_INDEX, Map.of(TableSchema.ROOM_LIST_PK, "HASH", TableSchema.LIST_SK, "RANGE"),
                TableSchema.STATUS_LIST_INDEX, Map.of(TableSchema.STATUS_LIST_PK, "HASH", TableSchema.LIST_SK, "RANGE"),
                TableSchema.EMAIL_MESSAGE_INDEX, Map.of(TableSchema.EMAIL_MESSAGE_PK, "HASH"),
                TableSchema.EMAIL_KEY_INDEX, Map.of(TableSchema.EMAIL_KEY, "HASH", TableSchema.PK, "RANGE")), gsis);
        expect(problems, "index projection", Map.of(TableSchema.ROOM_LIST_INDEX, "KEYS_ONLY",
                TableSchema.STATUS_LIST_INDEX, "INCLUDE", TableSchema.EMAIL_MESSAGE_INDEX, "KEYS_ONLY",
                TableSchema.EMAIL_KEY_INDEX, "KEYS_ONLY"), projections);
        Map<String, String> attributes = new TreeMap<>();
        for (Object a : list(t.get("AttributeDefinitions"))) {
            attributes.put(String.valueOf(map(a).get("AttributeName")), String.valueOf(map(a).get("AttributeType")));
        }
        expect(problems, "AttributeDefinitions", Map.of(TableSchema.PK, "S", TableSchema.SK, "S", TableSchema.ROOM_LIST_PK, "S",
                TableSchema.STATUS_LIST_PK, "S", TableSchema.LIST_SK, "S", TableSchema.EMAIL_MESSAGE_PK, "S",
                TableSchema.EMAIL_KEY, "S"), attributes);
        Map<String, Object> ttl = map(t.getOrDefault("TimeToLiveSpecification", Map.of()));
        expect(problems, "TTL attribute", TableSchema.TTL, ttl.get("AttributeName"));
        expect(problems, "TTL enabled", true, ttl.get("Enabled"));
        Map<String, Object> pitr = map(t.getOrDefault("PointInTimeRecoverySpecification", Map.of()));
        expect(problems, "point-in-time recovery", true, pitr.get("PointInTimeRecoveryEnabled"));

        // and the same as the table the store itself creates (TableSetup.create, used by local and the tests)
        String name = Backends.uniqueName("sam-contract-schema");
        SamLocalSupport.createTable(EmulatorBackend.shared().dynamoDbEndpoint(), name);
        try (DynamoDbClient db = SamLocalSupport.dynamoDb(EmulatorBackend.shared().dynamoDbEndpoint())) {
            DescribeTableResponse real = db.describeTable(b -> b.tableName(name));
            Map<String, String> realKeys = new TreeMap<>();
            real.table().keySchema().forEach(k -> realKeys.put(k.attributeName(), k.keyTypeAsString()));
            expect(problems, "KeySchema vs TableSetup", realKeys, keySchema(t.get("KeySchema")));
            Map<String, Map<String, String>> realGsis = new TreeMap<>();
            for (GlobalSecondaryIndexDescription g : real.table().globalSecondaryIndexes()) {
                Map<String, String> keys = new TreeMap<>();
                g.keySchema().forEach(k -> keys.put(k.attributeName(), k.keyTypeAsString()));
                realGsis.put(g.indexName(), keys);
                expect(problems, "projection of " + g.indexName() + " vs TableSetup", g.projection().projectionTypeAsString(), projections.get(g.indexName()));
            }
            expect(problems, "indexes vs TableSetup", realGsis, gsis);
            Map<String, String> realAttributes = new TreeMap<>();
            real.table().attributeDefinitions().forEach(a -> realAttributes.put(a.attributeName(), a.attributeTypeAsString()));
            expect(problems, "AttributeDefinitions vs TableSetup", realAttributes, attributes);
            expect(problems, "TTL attribute vs TableSetup",
                    db.describeTimeToLive(b -> b.tableName(name)).timeToLiveDescription().attributeName(), ttl.get("AttributeName"));
        }
        assertNoProblems("the DynamoDB table", problems);
    }

    private static Map<String, String> keySchema(Object ks) {
        Map<String, String> out = new TreeMap<>();
        for (Object k : list(ks)) {
            out.put(String.valueOf(map(k).get("AttributeName")), String.valueOf(map(k).get("KeyType")));
        }
        return out;
    }

    // ================================================================== IAM

    @Test
    void eachRoleGrantsOnlyWhatItsFunctionsOperationsUse() {
        List<String> problems = new ArrayList<>();
        Map<String, String> roleOwner = new HashMap<>();
        for (String fn : template.functions()) {
            Map<String, Object> p = template.properties(fn);
            List<String> role = getAtt(p.get("Role"));
            if (role == null || !role.get(1).equals("Arn") || !isResourceOfType(role.get(0), "AWS::IAM::Role")) {
                problems.add(fn + ": Role must be !GetAtt <its own AWS::IAM::Role>.Arn");
                continue;
            }
            String other = roleOwner.put(role.get(0), fn);
            if (other != null) {
                problems.add(role.get(0) + " is shared by " + other + " and " + fn + ": each function gets its own role");
            }
            if (p.containsKey("Policies")) {
                problems.add(fn + ": Policies are ignored when Role is set; put the statements in " + role.get(0));
            }
            problems.addAll(statementProblems(fn, role.get(0)));
            Set<String> granted = grants(role.get(0), problems);
            Set<String> expected = new TreeSet<>();
            for (Operation op : operations(fn)) {
                expected.addAll(PERMISSIONS.getOrDefault(op, Set.of()));
            }
            if (EVENT_FUNCTIONS.containsKey(fn)) {
                expected.addAll(EVENT_FUNCTIONS.get(fn).permissions());
            }
            Set<String> want = normalise(expected);
            Set<String> have = normalise(granted);
            diff(problems, fn + ": permissions its operations need that " + role.get(0) + " does not grant", minus(want, have));
            diff(problems, fn + ": permissions " + role.get(0) + " grants that its operations do not use", minus(have, want));
        }
        for (String r : template.ofType("AWS::IAM::Role")) {
            if (r.equals("ReminderSchedulerRole")) {
                // assumed by EventBridge Scheduler (a reminder's schedule): it may only send to the follow-up queue
                List<Map<String, Object>> st = statements(r);
                if (st.size() != 1 || !List.of("sqs:SendMessage").equals(list(st.getFirst().get("Action")).stream().map(String::valueOf).toList())
                        || !List.of("FollowUpQueue", "Arn").equals(getAtt(st.getFirst().get("Resource")))) {
                    problems.add(r + " must grant only sqs:SendMessage on FollowUpQueue");
                }
                continue;
            }
            if (!roleOwner.containsKey(r)) {
                problems.add(r + " is not the role of any function");
            }
        }
        assertNoProblems("IAM", problems);
    }

    /** No '*' actions anywhere; '*' resources only for X-Ray; logs only to the function's own log group. */
    private List<String> statementProblems(String fn, String role) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> rp = template.properties(role);
        if (rp.containsKey("ManagedPolicyArns")) {
            problems.add(role + ": no managed policies (they grant '*' resources)");
        }
        for (Object s : list(map(rp.get("AssumeRolePolicyDocument")).get("Statement"))) {
            Object principal = map(map(s).get("Principal")).get("Service");
            if (!list(principal).equals(List.of("lambda.amazonaws.com"))) {
                problems.add(role + ": only lambda.amazonaws.com may assume it (found " + principal + ")");
            }
        }
        String logGroup = ref(map(template.properties(fn).getOrDefault("LoggingConfig", Map.of())).get("LogGroup"));
        if (logGroup == null || !isResourceOfType(logGroup, "AWS::Logs::LogGroup")) {
            problems.add(fn + ": LoggingConfig.LogGroup must be !Ref of its own AWS::Logs::LogGroup");
        }
        for (Map<String, Object> st : statements(role)) {
            if (st.containsKey("NotAction") || st.containsKey("NotResource")) {
                problems.add(role + ": NotAction/NotResource grant more than they name");
            }
            List<String> actions = list(st.get("Action")).stream().map(String::valueOf).toList();
            for (String a : actions) {
                if (a.contains("*")) {
                    problems.add(role + ": action '" + a + "' has a wildcard");
                }
            }
            for (Object r : list(st.get("Resource"))) {
                if ("*".equals(r) && !Set.of("xray:PutTraceSegments", "xray:PutTelemetryRecords").containsAll(actions)) {
                    problems.add(role + ": Resource '*' for " + actions + " (only X-Ray's actions have no resource to name)");
                }
            }
            if (actions.stream().anyMatch(a -> a.startsWith("logs:"))) {
                for (Object r : list(st.get("Resource"))) {
                    List<String> ga = getAtt(r);
                    if (ga == null || !ga.get(0).equals(logGroup)) {
                        problems.add(role + ": logs permissions only on " + logGroup + ", not " + r);
                    }
                }
            }
            if (actions.contains("ses:SendEmail")) {
                Object from = map(map(st.getOrDefault("Condition", Map.of())).getOrDefault("StringEquals", Map.of())).get("ses:FromAddress");
                if (from == null || !Objects.equals(ref(from), ref(template.environment(fn).get(Config.EMAIL_FROM)))) {
                    problems.add(role + ": ses:SendEmail must be conditioned on ses:FromAddress = the function's EMAIL_FROM");
                }
            }
        }
        return problems;
    }

    /** The role's permissions in the PERMISSIONS notation (logs and X-Ray left out: checked above). */
    private Set<String> grants(String role, List<String> problems) {
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> st : statements(role)) {
            if (!"Allow".equals(st.get("Effect"))) {
                continue;
            }
            boolean tx = false;
            Object condition = st.get("Condition");
            if (condition != null) {
                Object ops = map(map(condition).getOrDefault("ForAnyValue:StringEquals", Map.of())).get("dynamodb:EnclosingOperation");
                tx = ops != null && list(ops).equals(List.of("TransactWriteItems"));
            }
            for (Object a : list(st.get("Action"))) {
                String action = String.valueOf(a);
                if (action.startsWith("logs:") || action.startsWith("xray:")) {
                    continue;
                }
                for (Object r : resources(st.get("Resource"))) {
                    String kind = resourceKind(r);
                    if (kind == null) {
                        problems.add(role + ": cannot tell what " + action + " on " + r + " grants");
                        continue;
                    }
                    out.add(action + " " + kind + (tx ? " tx" : ""));
                }
            }
        }
        return out;
    }

    private static List<Object> resources(Object resource) {
        List<Object> out = new ArrayList<>();
        for (Object r : list(resource)) {
            if (r instanceof Map<?, ?> m && m.containsKey("Fn::If")) {
                List<?> branches = (List<?>) m.get("Fn::If");
                for (Object b : branches.subList(1, branches.size())) {
                    if (!"AWS::NoValue".equals(ref(b))) {
                        out.add(b);
                    }
                }
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private String resourceKind(Object r) {
        List<String> ga = getAtt(r);
        if (ga != null && ga.get(1).equals("Arn") && isResourceOfType(ga.get(0), "AWS::DynamoDB::Table")) {
            return "table";
        }
        if (ga != null && ga.get(1).equals("StreamArn") && isResourceOfType(ga.get(0), "AWS::DynamoDB::Table")) {
            return "stream";
        }
        if (ga != null && ga.get(1).equals("Arn") && isResourceOfType(ga.get(0), "AWS::Events::EventBus")) {
            return "event-bus";
        }
        if (ga != null && ga.get(1).equals("Arn") && isResourceOfType(ga.get(0), "AWS::SQS::Queue")) {
            return "queue";
        }
        String ref = ref(r);
        if (ref != null && isResourceOfType(ref, "AWS::SecretsManager::Secret")) {
            return "secret";
        }
        if (ga != null && ga.get(1).equals("Arn") && isResourceOfType(ga.get(0), "AWS::IAM::Role")) {
            return "role";
        }
        String s = sub(r);
        if (s != null) {
            Matcher group = Pattern.compile("^arn:\\$\\{AWS::Partition}:scheduler:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:schedule/\\$\\{(\\w+)}/\\*$").matcher(s);
            if (group.matches() && isResourceOfType(group.group(1), "AWS::Scheduler::ScheduleGroup")) {
                return "schedule-group";
            }
            Matcher index = Pattern.compile("^\\$\\{(\\w+)\\.Arn}/index/([\\w.-]+)$").matcher(s);
            if (index.matches() && isResourceOfType(index.group(1), "AWS::DynamoDB::Table")) {
                return "index/" + index.group(2);
            }
            // a template, or (v3) its variants: {name}-* (its languages and follow-ups, RoomInvitation-updated-de)
            Matcher ses = Pattern.compile("^arn:\\$\\{AWS::Partition}:ses:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:(identity|template|configuration-set)/\\$\\{(\\w+)}(-\\*)?$").matcher(s);
            if (ses.matches() && template.parameters().containsKey(ses.group(2))
                    && (ses.group(3) == null || ses.group(1).equals("template"))) {
                return "ses:" + ses.group(1);
            }
        }
        return null;
    }

    private List<Map<String, Object>> statements(String role) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object policy : list(template.properties(role).get("Policies"))) {
            for (Object st : list(map(map(policy).get("PolicyDocument")).get("Statement"))) {
                out.add(map(st));
            }
        }
        return out;
    }

    /** "X table tx" is covered by "X table". */
    private static Set<String> normalise(Set<String> permissions) {
        Set<String> out = new TreeSet<>();
        for (String p : permissions) {
            if (!(p.endsWith(" tx") && permissions.contains(p.substring(0, p.length() - 3)))) {
                out.add(p);
            }
        }
        return out;
    }

    // ================================================================== API, logs, versions, secret, outputs

    @Test
    void theHttpApiThrottlesAllowsTheConfiguredOriginsAndLogsNoTokens() {
        List<String> problems = new ArrayList<>();
        List<String> apis = template.ofType("AWS::Serverless::HttpApi");
        assertEquals(List.of("HttpApi"), apis, "template.yaml must declare one AWS::Serverless::HttpApi named HttpApi");
        Map<String, Object> api = template.properties("HttpApi");
        Map<String, Object> cors = map(api.getOrDefault("CorsConfiguration", Map.of()));
        String corsParameter = ref(cors.get("AllowOrigins"));
        if (corsParameter == null || !template.parameters().containsKey(corsParameter)) {
            problems.add("CorsConfiguration.AllowOrigins must be !Ref of a parameter");
        }
        for (String fn : template.functions()) {
            Object v = template.environment(fn).get(Config.CORS_ALLOWED_ORIGINS);
            if (!(v instanceof Map<?, ?> m) || !(m.get("Fn::Join") instanceof List<?> join)
                    || !Objects.equals(ref(join.get(1)), corsParameter)) {
                problems.add(fn + ": CORS_ALLOWED_ORIGINS must be !Join [',', !Ref " + corsParameter + "] (the same origins as the API)");
            }
        }
        Set<String> corsHeaders = list(cors.get("AllowHeaders")).stream().map(String::valueOf).collect(Collectors.toSet());
        if (!corsHeaders.containsAll(Set.of("authorization", "content-type", "idempotency-key"))) {
            problems.add("CorsConfiguration.AllowHeaders must allow authorization, content-type and idempotency-key");
        }
        Map<String, Object> throttling = map(api.getOrDefault("DefaultRouteSettings", Map.of()));
        for (String k : List.of("ThrottlingBurstLimit", "ThrottlingRateLimit")) {
            if (!throttling.containsKey(k)) {
                problems.add("DefaultRouteSettings." + k + " is not set (default route throttling)");
            }
        }
        Map<String, Object> logs = map(api.getOrDefault("AccessLogSettings", Map.of()));
        List<String> dest = getAtt(logs.get("DestinationArn"));
        if (dest == null || !isResourceOfType(dest.get(0), "AWS::Logs::LogGroup")
                || !template.properties(dest.get(0)).containsKey("RetentionInDays")) {
            problems.add("AccessLogSettings.DestinationArn must be !GetAtt of a log group with a retention");
        }
        String format = String.valueOf(logs.get("Format"));
        Matcher m = Pattern.compile("\\$(context|request|input|stageVariables|util)\\.([A-Za-z0-9_.-]+)").matcher(format);
        Set<String> used = new TreeSet<>();
        while (m.find()) {
            String variable = m.group(1).equals("context") ? m.group(2) : m.group(1) + "." + m.group(2);
            used.add(variable);
            if (!m.group(1).equals("context") || !SAFE_ACCESS_LOG_VARIABLES.contains(m.group(2))) {
                problems.add("access log variable $" + m.group(1) + "." + m.group(2) + " could carry a path, header, query or body (a token)");
            }
        }
        if (!used.containsAll(Set.of("routeKey", "status", "requestId"))) {
            problems.add("access log must record $context.routeKey (not the raw path), $context.status and $context.requestId");
        }
        try {
            JSONObjectUtils.parse(format);
        } catch (java.text.ParseException e) {
            problems.add("access log format is not one JSON object: " + e.getMessage());
        }
        assertNoProblems("the HTTP API", problems);
    }

    @Test
    void functionsAreJava21SnapStartedVersionsWithJsonLogsAndTracing() {
        List<String> problems = new ArrayList<>();
        for (String fn : template.functions()) {
            expect(problems, fn + " Runtime", "java21", template.functionProperty(fn, "Runtime").orElse(null));
            Object snap = template.functionProperty(fn, "SnapStart").orElse(Map.of());
            expect(problems, fn + " SnapStart.ApplyOn", "PublishedVersions", map(snap).get("ApplyOn"));
            if (template.functionProperty(fn, "AutoPublishAlias").isEmpty()) {
                problems.add(fn + ": AutoPublishAlias is not set (SnapStart applies to published versions only)");
            }
            if (template.functionProperty(fn, "AutoPublishCodeSha256").isPresent()) {
                problems.add(fn + ": AutoPublishCodeSha256 replaces SAM's code hash: code changes would stop publishing versions");
            }
            expect(problems, fn + " Tracing", "Active", template.functionProperty(fn, "Tracing").orElse(null));
            Object logging = template.functionProperty(fn, "LoggingConfig").orElse(Map.of());
            expect(problems, fn + " LoggingConfig.LogFormat", "JSON", map(logging).get("LogFormat"));
            if (!(template.functionProperty(fn, "MemorySize").orElse(null) instanceof Integer)) {
                problems.add(fn + ": MemorySize must be a chosen number of MB");
            }
            for (String p : List.of("Description", "VersionDescription")) {
                String s = sub(template.functionProperty(fn, p).orElse(null));
                if (s == null || !s.contains("${Revision}")) {
                    problems.add(fn + ": " + p + " must carry ${Revision} so that a parameter change or a key rotation publishes a new version");
                }
            }
        }
        if (!template.parameters().containsKey("Revision")) {
            problems.add("parameter Revision is missing");
        }
        assertNoProblems("functions", problems);
    }

    @Test
    void theSigningKeyIsGeneratedAtDeployTimeAndNothingSecretIsInTheRepository() throws Exception {
        List<String> problems = new ArrayList<>();
        List<String> secrets = template.ofType("AWS::SecretsManager::Secret");
        assertEquals(1, secrets.size(), "one signing-key secret");
        Map<String, Object> gen = map(template.properties(secrets.get(0)).getOrDefault("GenerateSecretString", Map.of()));
        if (template.properties(secrets.get(0)).containsKey("SecretString")) {
            problems.add("the secret must be generated (GenerateSecretString), never a SecretString in the template");
        }
        String kid;
        try {
            kid = String.valueOf(JSONObjectUtils.parse(String.valueOf(gen.get("SecretStringTemplate"))).get("activeKid"));
        } catch (java.text.ParseException e) {
            kid = null;
        }
        expect(problems, "GenerateStringKey", "seed_" + kid, gen.get("GenerateStringKey"));
        if (!(gen.get("PasswordLength") instanceof Integer len) || len < 32) {
            problems.add("PasswordLength must be at least 32 (SigningKeys refuses shorter seeds)");
        }
        expect(problems, "ExcludePunctuation", true, gen.get("ExcludePunctuation"));
        // what Secrets Manager will generate must be a secret the code accepts
        String generated = "{\"activeKid\":\"" + kid + "\",\"seed_" + kid + "\":\"" + "aB3".repeat(22).substring(0, 64) + "\"}";
        try {
            SigningKeys.fromSecret(generated);
        } catch (RuntimeException e) {
            problems.add("SigningKeys refuses the generated secret's format: " + e.getMessage());
        }
        String raw = Files.readString(TEMPLATE);
        Matcher material = Pattern.compile("-----BEGIN|\"d\"\\s*:|seed_[\\w-]+\"\\s*:\\s*\"[A-Za-z0-9+/=_-]{16,}").matcher(raw);
        if (material.find()) {
            problems.add("template.yaml contains key material: " + material.group());
        }
        Map<String, Object> outputs = map(template.root().get("Outputs"));
        for (String o : List.of("ApiUrl", "TableName", "JwksUrl")) {
            if (!outputs.containsKey(o)) {
                problems.add("output " + o + " is missing");
            }
        }
        String jwksUrl = sub(map(outputs.getOrDefault("JwksUrl", Map.of())).get("Value"));
        if (jwksUrl == null || !jwksUrl.endsWith(Operation.JWKS.pathTemplate())) {
            problems.add("output JwksUrl must end with " + Operation.JWKS.pathTemplate());
        }
        assertNoProblems("signing key and outputs", problems);
    }

    // ================================================================== events

    @Test
    void eventsAreHttpApiPayload2EventsForEveryTemplateRoute() throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> routes = new TreeSet<>();
        template.functions().forEach(fn -> routes.addAll(template.httpApiRoutes(fn)));
        Set<String> covered = new TreeSet<>();
        Set<String> requestIds = new HashSet<>();
        Map<String, String> dummies = new HashMap<>();
        PLACEHOLDERS.forEach(p -> dummies.put(p, p.equals("INVITE_ID") ? "01JDUMMY0000000000000000AA" : "x"));
        for (Path file : eventFiles()) {
            String name = file.getFileName().toString();
            String text = Files.readString(file);
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1))) {
                    problems.add(name + ": unknown placeholder ${" + m.group(1) + "} (known: " + new TreeSet<>(PLACEHOLDERS) + ")");
                }
            }
            Map<String, Object> e = JSONObjectUtils.parse(substitute(text, dummies, false));
            Map<String, Object> rc = JSONObjectUtils.getJSONObject(e, "requestContext");
            Map<String, Object> http = rc == null ? null : JSONObjectUtils.getJSONObject(rc, "http");
            String routeKey = String.valueOf(e.get("routeKey"));
            expect(problems, name + " version", "2.0", e.get("version"));
            if (rc == null || http == null) {
                problems.add(name + ": no requestContext.http");
                continue;
            }
            expect(problems, name + " requestContext.routeKey", routeKey, rc.get("routeKey"));
            expect(problems, name + " requestContext.stage", "$default", rc.get("stage"));
            if (!routes.contains(routeKey)) {
                problems.add(name + ": route " + routeKey + " is not in template.yaml");
                continue;
            }
            covered.add(routeKey);
            String method = routeKey.substring(0, routeKey.indexOf(' '));
            String pathTemplate = routeKey.substring(routeKey.indexOf(' ') + 1);
            expect(problems, name + " requestContext.http.method", method, http.get("method"));
            expect(problems, name + " requestContext.http.path", e.get("rawPath"), http.get("path"));
            Map<String, Object> params = e.containsKey("pathParameters") ? JSONObjectUtils.getJSONObject(e, "pathParameters") : Map.of();
            String expectedPath = pathTemplate;
            for (Map.Entry<String, Object> p : params.entrySet()) {
                expectedPath = expectedPath.replace("{" + p.getKey() + "}", String.valueOf(p.getValue()));
            }
            if (expectedPath.contains("{")) {
                problems.add(name + ": pathParameters do not fill " + pathTemplate);
            }
            expect(problems, name + " rawPath", expectedPath, e.get("rawPath"));
            Map<String, Object> query = e.containsKey("queryStringParameters") ? JSONObjectUtils.getJSONObject(e, "queryStringParameters") : Map.of();
            String qs = query.entrySet().stream().map(q -> q.getKey() + "=" + q.getValue()).collect(Collectors.joining("&"));
            expect(problems, name + " rawQueryString", qs, e.get("rawQueryString"));
            Map<String, Object> headers = JSONObjectUtils.getJSONObject(e, "headers");
            for (String h : headers.keySet()) {
                if (!h.equals(h.toLowerCase(Locale.ROOT))) {
                    problems.add(name + ": header " + h + " is not lower case (HTTP API lower-cases them)");
                }
            }
            expect(problems, name + " isBase64Encoded", false, e.get("isBase64Encoded"));
            if (!requestIds.add(String.valueOf(rc.get("requestId")))) {
                problems.add(name + ": requestContext.requestId repeats another event's");
            }
            boolean csv = e.get("headers") instanceof Map<?, ?> hs && String.valueOf(hs.get("content-type")).startsWith("text/csv");
            if (e.get("body") instanceof String body && !csv) {
                try {
                    JSONObjectUtils.parse(body);
                } catch (java.text.ParseException ex) {
                    problems.add(name + ": body is not JSON: " + ex.getMessage());
                }
            }
            // the link token travels in bodies only, never in a path or a query string (access logs, Referer)
            Map<String, Object> rawEvent = JSONObjectUtils.parse(text);
            if ((String.valueOf(rawEvent.get("rawPath")) + rawEvent.get("rawQueryString")).contains("${LINK_TOKEN}")) {
                problems.add(name + ": the link token must travel in the body, not the path or query string");
            }
        }
        diff(problems, "template routes with no event in events/", minus(routes, covered));
        assertNoProblems("events", problems);
    }

    // ================================================================== the flow

    /** What each event must answer, in file order; the checks also pick up what later events need. */
    interface Expectation extends BiConsumer<Map<String, Object>, Map<String, String>> {
    }

    record Expected(int status, Expectation check) {
    }

    /** An answer's body for an expectation: its JSON object, or {@code {text: body}} for a file (the export's CSV). */
    static Map<String, Object> answerBody(String body) throws java.text.ParseException {
        if (body == null || body.isEmpty()) {
            return Map.of();
        }
        return body.startsWith("{") ? JSONObjectUtils.parse(body) : Map.of("text", body);
    }

    static Map<String, Expected> expectations() {
        Map<String, Expected> x = new LinkedHashMap<>();
        x.put("01-admin-put-settings.json", new Expected(200, (b, v) -> {
            assertEquals(true, b.get("inviteToMediaEnabled"));
            assertEquals(EMAIL_TEMPLATE, b.get("emailTemplateName"));
        }));
        x.put("02-admin-get-settings.json", new Expected(200, (b, v) -> assertEquals(EMAIL_TEMPLATE, b.get("emailTemplateName"))));
        x.put("03-admin-put-room.json", new Expected(200, (b, v) -> assertEquals(SamLocalSupport.OWNER_EMAIL, b.get("owner"))));
        x.put("04-admin-put-user.json", new Expected(200, (b, v) -> assertEquals(SamLocalSupport.INVITEE_EMAIL, b.get("email"))));
        x.put("05-invite-options.json", new Expected(200, (b, v) -> {
            assertEquals(true, b.get("canInvite"), "canInvite: " + b);
            assertEquals(true, b.get("sendEmailAvailable"), "the SES template is visible to ManagerReadsFunction: " + b);
        }));
        x.put("06-invitee-suggestions.json", new Expected(200, (b, v) -> assertTrue(String.valueOf(b.get("users")).contains(SamLocalSupport.INVITEE_EMAIL), "suggestions: " + b)));
        x.put("07-create-invite.json", new Expected(201, (b, v) -> {
            Map<String, Object> invite = obj(b, "invite");
            assertEquals("PENDING", invite.get("status"));
            assertEquals("SENT", obj(b, "email").get("status"), "the invitation email: " + b.get("email"));
            String link = String.valueOf(b.get("link"));
            assertTrue(link.contains("#invite="), "link " + link);
            v.put("LINK_TOKEN", link.substring(link.indexOf("#invite=") + 8));
            v.put("link:create", v.get("LINK_TOKEN"));
            v.put("INVITE_ID", String.valueOf(invite.get("inviteId")));
            v.put("messageId:create", String.valueOf(obj(b, "email").get("messageId")));
        }));
        x.put("07a-bulk-invites.json", new Expected(200, (b, v) -> {
            assertEquals(2, ((Number) b.get("created")).intValue(), "bulk: " + b);
            assertEquals(1, ((Number) b.get("failed")).intValue(), "bulk: " + b);
            assertEquals("FAILED", ((Map<?, ?>) ((List<?>) b.get("results")).get(2)).get("status"), "the duplicate row: " + b);
        }));
        x.put("08-resend-invite.json", new Expected(200, (b, v) -> {
            assertEquals("SENT", obj(b, "email").get("status"), "resent email: " + b.get("email"));
            v.put("messageId:resend", String.valueOf(obj(b, "email").get("messageId")));
            String link = String.valueOf(b.get("link"));
            v.put("link:resend", link.substring(link.indexOf("#invite=") + 8));
        }));
        x.put("08a-reissue-invite.json", new Expected(200, (b, v) -> {
            assertEquals(2, ((Number) obj(b, "invite").get("linkVersion")).intValue(), "a new link version: " + b);
            assertEquals("NOT_REQUESTED", obj(b, "email").get("status"));
            String link = String.valueOf(b.get("link"));
            // the links before it answer LINK_REPLACED from now on: the steps below use the new one
            v.put("LINK_TOKEN", link.substring(link.indexOf("#invite=") + 8));
            v.put("ACCESS_CODE", String.valueOf(b.get("accessCode")));
        }));
        x.put("09-list-invites.json", new Expected(200, (b, v) -> assertTrue(String.valueOf(b.get("invites")).contains(v.get("INVITE_ID")), "pending invites: " + b)));
        x.put("09b-export-invites.json", new Expected(200, (b, v) -> {
            String csv = String.valueOf(b.get("text"));
            assertTrue(csv.startsWith("inviteId,email,"), "a CSV with its header line: " + csv);
            assertTrue(csv.contains(v.get("INVITE_ID")), "every invite of the room: " + csv);
        }));
        // a guest link for the room's audience: its token and id for the guest's and the revoke's steps
        x.put("09c-create-guest-link.json", new Expected(201, (b, v) -> {
            assertEquals("VIEWER", obj(b, "guestLink").get("role"));
            assertEquals(500, ((Number) obj(b, "guestLink").get("maxUses")).intValue());
            String link = String.valueOf(b.get("link"));
            v.put("GUEST_TOKEN", link.substring(link.indexOf("#guest=") + 7));
            v.put("GUEST_LINK_ID", String.valueOf(obj(b, "guestLink").get("guestLinkId")));
        }));
        x.put("09d-list-guest-links.json", new Expected(200, (b, v) ->
                assertTrue(String.valueOf(b.get("guestLinks")).contains(v.get("GUEST_LINK_ID")), "guest links: " + b)));
        x.put("10d-preview-guest.json", new Expected(200, (b, v) -> {
            assertEquals("LOBBY", b.get("next"));
            assertEquals(500, ((Number) obj(b, "guestLink").get("usesLeft")).intValue());
        }));
        x.put("10e-redeem-guest.json", new Expected(200, (b, v) -> {
            assertEquals("VIEWER", b.get("role"));
            try {
                assertEquals(Boolean.TRUE, SignedJWT.parse(String.valueOf(b.get("accessToken"))).getJWTClaimsSet().getClaim("guest"));
            } catch (java.text.ParseException e) {
                throw new AssertionError("guest access token: " + e, e);
            }
        }));
        // the invite's link, now bound to the invitee's device, is refused elsewhere: the invitee asks to be let in
        x.put("12a-ask-to-join.json", new Expected(202, (b, v) -> v.put("JOIN_REQUEST_ID", String.valueOf(b.get("joinRequestId")))));
        x.put("12b-join-request-status.json", new Expected(200, (b, v) -> assertEquals("PENDING", b.get("status"))));
        x.put("12c-list-join-requests.json", new Expected(200, (b, v) -> {
            assertTrue(String.valueOf(b.get("joinRequests")).contains(v.get("JOIN_REQUEST_ID")), "requests: " + b);
            assertTrue(String.valueOf(b.get("joinRequests")).contains("LINK_ALREADY_USED"), "requests: " + b);
        }));
        x.put("12d-admit-join-request.json", new Expected(200, (b, v) -> {
            assertEquals("gia.mobile@example.org", obj(b, "invite").get("email"));
            assertTrue(String.valueOf(b.get("link")).contains("#invite="), "a new link: " + b);
        }));
        x.put("12e-ask-to-join-again.json", new Expected(202, (b, v) -> {
            assertNotEquals(v.get("JOIN_REQUEST_ID"), b.get("joinRequestId"), "a new request once the first was answered");
            v.put("JOIN_REQUEST_ID", String.valueOf(b.get("joinRequestId")));
        }));
        x.put("12f-decline-join-request.json", new Expected(200, (b, v) -> assertEquals("DECLINED", obj(b, "joinRequest").get("status"))));
        x.put("15b-revoke-guest-link.json", new Expected(200, (b, v) -> {
            assertEquals("REVOKED", obj(b, "guestLink").get("status"));
            assertEquals(1, ((Number) obj(b, "guestLink").get("uses")).intValue());
        }));
        x.put("10-preview-invite.json", new Expected(200, (b, v) -> {
            assertEquals("OPEN", b.get("state"));
            assertEquals("LOBBY", b.get("next"));
            assertEquals("Gia", obj(b, "invitee").get("firstName"));
        }));
        // the access code of the reissued link gives that link's token (the lobby's steps use it from here)
        x.put("10b-exchange-code.json", new Expected(200, (b, v) -> {
            String token = String.valueOf(b.get("token"));
            assertTrue(token.split("\\.").length == 3, "a link token: " + b);
            v.put("LINK_TOKEN", token);
        }));
        // the session as a calendar file (the answer is text/calendar: answerBody gives it as {text})
        x.put("10c-invite-calendar.json", new Expected(200, (b, v) -> {
            String ics = String.valueOf(b.get("text"));
            assertTrue(ics.startsWith("BEGIN:VCALENDAR") && ics.contains("METHOD:PUBLISH") && ics.contains("BEGIN:VEVENT")
                    && ics.contains("UID:" + v.get("INVITE_ID") + "@room-invites"), ics);
        }));
        x.put("11-redeem-invite-lobby.json", new Expected(200, (b, v) -> {
            assertEquals("SPEAKER", b.get("role"));
            v.put("ACCESS_TOKEN", String.valueOf(b.get("accessToken")));
        }));
        x.put("12-redeem-invite.json", new Expected(200, (b, v) -> {
            assertEquals("SPEAKER", b.get("role"));
            v.put("ACCESS_TOKEN_2", String.valueOf(b.get("accessToken")));
        }));
        x.put("13-promote-invite.json", new Expected(200, (b, v) -> {
            assertEquals("SPEAKER", b.get("previousRole"));
            assertEquals("MODERATOR", obj(b, "invite").get("role"));
        }));
        x.put("13a-release-device.json", new Expected(200, (b, v) -> {
            assertEquals(List.of(), obj(b, "invite").get("devices"), "the device is freed: " + b);
            assertEquals("REDEEMED", obj(b, "invite").get("status"));
        }));
        x.put("14-jwks.json", new Expected(200, (b, v) -> {
            try {
                JWKSet keys = JWKSet.parse(b);
                SignedJWT jwt = SignedJWT.parse(v.get("ACCESS_TOKEN"));
                ECKey key = (ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
                assertNotNull(key, "the JWKS has no key " + jwt.getHeader().getKeyID() + ": " + b);
                assertTrue(jwt.verify(new ECDSAVerifier(key)), "the redeem's access token verifies with the JWKS function's keys");
                assertEquals(SamLocalSupport.INVITEE_EMAIL, jwt.getJWTClaimsSet().getSubject());
            } catch (Exception e) {
                throw new AssertionError("JWKS and access token: " + e, e);
            }
        }));
        x.put("14-openid-configuration.json", new Expected(200, (b, v) -> {
            try {
                String issuer = SignedJWT.parse(v.get("ACCESS_TOKEN")).getJWTClaimsSet().getIssuer();
                assertEquals(issuer, b.get("issuer"), "the discovery issuer is exactly the access tokens' iss");
                assertEquals(issuer + Operation.JWKS.pathTemplate(), b.get("jwks_uri"));
            } catch (java.text.ParseException e) {
                throw new AssertionError("access token: " + e, e);
            }
        }));
        x.put("15-revoke-invite.json", new Expected(200, (b, v) -> assertEquals("REVOKED", obj(b, "invite").get("status"))));
        x.put("15a-invite-history.json", new Expected(200, (b, v) -> {
            assertTrue(b.get("events") instanceof List<?>, "a list of events: " + b);
            v.put("history", String.valueOf(b.get("events")));
        }));
        x.put("16-admin-delete-room.json", new Expected(204, (b, v) -> { }));
        // the invitee's data erased (after the room's deletion: its invites are erased all the same); the job is
        // handed to the erasure queue, whose consumer the flow invokes afterwards (the erasure is RUNNING till then)
        x.put("17-admin-start-erasure.json", new Expected(202, (b, v) -> {
            assertEquals("RUNNING", b.get("status"));
            assertEquals(SamLocalSupport.INVITEE_EMAIL, b.get("email"));
            v.put("ERASURE_ID", String.valueOf(b.get("erasureId")));
        }));
        x.put("17a-admin-get-erasure.json", new Expected(200, (b, v) -> {
            assertEquals(v.get("ERASURE_ID"), b.get("erasureId"));
            assertEquals("RUNNING", b.get("status"), "no job ran yet: " + b);
        }));
        return x;
    }

    /** The repository's SES template (email-templates/invitation.json), which the settings event selects. */
    static final Path EMAIL_TEMPLATE_FILE = ROOT.resolve("email-templates/invitation.json");
    static final String EMAIL_TEMPLATE = "RoomInvitation";

    @Test
    void everyEventAnswersAsTheContractSaysAndEachFunctionStaysWithinItsRole() throws Exception {
        Deployment d = deployment();
        Map<String, Expected> expected = expectations();
        List<Path> files = eventFiles();
        Set<String> names = files.stream().map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        if (!names.equals(new TreeSet<>(expected.keySet()))) {
            fail("events/ and this test's expectations differ: files without an expectation " + minus(names, expected.keySet())
                    + ", expectations without a file " + minus(expected.keySet(), names));
        }
        Map<String, String> vars = new HashMap<>(d.tokens);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        vars.put("STARTS_AT", now.minus(5, ChronoUnit.MINUTES).toString());
        vars.put("ENDS_AT", now.plus(1, ChronoUnit.HOURS).toString());
        Map<String, String> routeOwner = new HashMap<>();
        template.functions().forEach(fn -> template.httpApiRoutes(fn).forEach(r -> routeOwner.put(r, fn)));
        List<String> transcript = new ArrayList<>();
        long flowStarted = System.nanoTime();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String event = substitute(Files.readString(file), vars, true);
            Map<String, Object> e = JSONObjectUtils.parse(event);
            String fn = routeOwner.get(String.valueOf(e.get("routeKey")));
            assertNotNull(fn, name + ": no function serves " + e.get("routeKey"));
            long invoked = System.nanoTime();
            String raw = d.process(fn).invoke(event.getBytes(StandardCharsets.UTF_8));
            long ms = (System.nanoTime() - invoked) / 1_000_000;
            Map<String, Object> response = JSONObjectUtils.parse(raw);
            int status = ((Number) response.get("statusCode")).intValue();
            Map<String, Object> headers = response.get("headers") instanceof Map<?, ?> ? JSONObjectUtils.getJSONObject(response, "headers") : Map.of();
            String body = response.get("body") instanceof String s ? s : null;
            transcript.add(name + " -> " + fn + " -> " + status + " (" + ms + " ms)");
            Expected x = expected.get(name);
            if (status != x.status()) {
                fail(name + " (" + fn + ") answered " + status + ", expected " + x.status() + ": " + body
                        + "\n" + String.join("\n", transcript) + "\nIts stderr:\n" + d.process(fn).stderrTail());
            }
            Map<String, Object> rc = JSONObjectUtils.getJSONObject(e, "requestContext");
            assertEquals(rc.get("requestId"), headers.get("X-Request-Id"), name + ": X-Request-Id is the API Gateway request id");
            Object origin = JSONObjectUtils.getJSONObject(e, "headers").get("origin");
            assertEquals(origin, headers.get("Access-Control-Allow-Origin"), name + ": CORS for env.json's CORS_ALLOWED_ORIGINS");
            if (body != null && body.contains("stackTrace")) {
                fail(name + ": a stack trace reached the caller: " + body);
            }
            x.check().accept(SamContractTest.answerBody(body), vars);
        }

        // the invitation emails reached SES (the emulator) with the link
        List<StoredEmail> emails = EmulatorBackend.shared().sentEmails();
        for (String[] which : new String[][]{{"messageId:create", "link:create"}, {"messageId:resend", "link:resend"}}) {
            StoredEmail mail = emails.stream().filter(m -> m.messageId().equals(vars.get(which[0]))).findFirst()
                    .orElseThrow(() -> new AssertionError("SES has no email " + vars.get(which[0]) + " (" + which[0] + ")"));
            assertEquals(List.of(SamLocalSupport.INVITEE_EMAIL), mail.to());
            assertTrue(String.valueOf(mail.text()).contains(vars.get(which[1])), "the email carries the answer's link: " + mail.text());
        }

        // the erasure queue's consumer: the job the admin function handed over, as SQS delivers it; then the erasure
        // is DONE and the invitee's invites are erased
        assertEquals(List.of("{\"erasureId\":\"" + vars.get("ERASURE_ID") + "\"}"), d.sqs.bodies(), "the erasure's job");
        Map<String, Object> erasureAnswer = JSONObjectUtils.parse(d.process("ErasureFunction").invoke(
                substitute(Files.readString(EVENTS.resolve("queue/erasure-jobs.json")), vars, true).getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(), erasureAnswer.get("batchItemFailures"), "ErasureFunction's answer: " + erasureAnswer
                + "\nIts stderr:\n" + d.process("ErasureFunction").stderrTail());
        Map<String, Object> erased = JSONObjectUtils.parse(String.valueOf(JSONObjectUtils.parse(d.process("AdminFunction").invoke(
                substitute(Files.readString(EVENTS.resolve("17a-admin-get-erasure.json")), vars, true)
                        .getBytes(StandardCharsets.UTF_8))).get("body")));
        assertEquals("DONE", erased.get("status"), "the erasure after its job ran: " + erased);
        assertEquals(1, ((Number) erased.get("invitesErased")).intValue(), "the flow's invite of the invitee: " + erased);

        // the email queue's consumer: a recorded SQS event whose job names an attempt no invite has QUEUED sends
        // nothing and gives nothing back to the queue (EmailQueueConsumerTest covers sending, failures and redelivery)
        Map<String, Object> queueAnswer = JSONObjectUtils.parse(d.process("EmailQueueFunction")
                .invoke(Files.readAllBytes(EVENTS.resolve("queue/email-jobs.json"))));
        assertEquals(List.of(), queueAnswer.get("batchItemFailures"), "EmailQueueFunction's answer: " + queueAnswer
                + "\nIts stderr:\n" + d.process("EmailQueueFunction").stderrTail());

        // the follow-up queue's consumer: a recorded fan-out of a room change superseded since (its calendar SEQUENCE
        // is not the room's) reads the room and hands no job over (FollowUpEmailTest covers fan-outs and sending)
        int queued = d.sqs.bodies().size();
        Map<String, Object> followUpAnswer = JSONObjectUtils.parse(d.process("FollowUpFunction")
                .invoke(substitute(Files.readString(EVENTS.resolve("queue/follow-up-jobs.json")), vars, true)
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(), followUpAnswer.get("batchItemFailures"), "FollowUpFunction's answer: " + followUpAnswer
                + "\nIts stderr:\n" + d.process("FollowUpFunction").stderrTail());
        assertEquals(queued, d.sqs.bodies().size(), "no email job for a superseded change");

        // every AWS call each function made, at init and for requests, is one its role allows; SnapStart priming
        // (the CRaC beforeCheckpoint hooks) must not need more either, but it is best effort by design (it
        // catches every failure), so a call it makes that the role refuses is reported, not failed
        List<String> problems = new ArrayList<>();
        List<String> observedReport = new ArrayList<>();
        List<String> primingRefused = new ArrayList<>();
        String templates = String.valueOf(map(template.parameters().get("EmailTemplateName")).get("Default"));
        for (String fn : template.functions()) {
            String role = getAtt(template.properties(fn).get("Role")).get(0);
            Set<String> granted = grants(role, problems);
            Set<String> calls = new TreeSet<>(d.process(fn).recordedCalls());
            observedReport.add(fn + " (SnapStart hooks: " + d.process(fn).awaitInit().get("snapStartHooks") + ") " + calls);
            for (String line : calls) {
                String phase = line.substring(0, line.indexOf(' '));
                String call = line.substring(line.indexOf(' ') + 1);
                if (!allowed(call, granted, templates)) {
                    if (phase.equals("snapstart")) {
                        primingRefused.add(fn + ": " + call);
                    } else {
                        problems.add(fn + " called " + call + " (" + phase + ") but " + role + " does not allow it (grants " + granted + ")");
                    }
                }
            }
        }
        if (!primingRefused.isEmpty()) {
            System.out.println("SnapStart priming calls IAM would refuse (harmless: priming catches them): " + primingRefused);
        }
        // nothing a function logged holds a token it handled
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String k : List.of("ADMIN_TOKEN", "OWNER_TOKEN", "INVITEE_TOKEN", "LINK_TOKEN", "ACCESS_TOKEN", "ACCESS_TOKEN_2")) {
            secrets.put(k, vars.get(k));
        }
        for (String fn : template.functions()) {
            for (String line : d.process(fn).allStderr()) {
                // the log group is set to JSON: no plain-text lines from SLF4J (it is bound to the JSON log)
                if (line.startsWith("SLF4J")) {
                    problems.add(fn + " printed a plain-text SLF4J line: " + line);
                }
                secrets.forEach((k, v) -> {
                    if (v != null && v.length() > 20 && line.contains(v)) {
                        problems.add(fn + " logged the " + k + ": " + line.substring(0, Math.min(200, line.length())));
                    }
                });
            }
        }
        // every function wrote its metrics in Embedded Metric Format, in env.json's namespace: each request, and the
        // invitation emails SES accepted
        // (the stream consumer and the SES feedback function are invoked, and checked, by their own test below)
        for (String fn : template.functions()) {
            if (!STREAM_TEST_FUNCTIONS.contains(fn)) {
                problems.addAll(requestMetricProblems(d, fn));
            }
        }
        if (d.process("CreateInviteFunction").allStderr().stream().noneMatch(l -> l.startsWith("{\"_aws\":") && l.contains("\"EmailSent\":1"))) {
            problems.add("CreateInviteFunction sent emails but wrote no EmailSent metric");
        }
        System.out.println("contract flow (" + (System.nanoTime() - flowStarted) / 1_000_000 + " ms):\n  " + String.join("\n  ", transcript) + "\nAWS calls per function:\n  "
                + String.join("\n  ", observedReport));
        assertNoProblems("the functions' AWS calls and logs", problems);
    }

    /** The functions {@link #theStreamConsumerTurnsRecordedStreamEventsIntoEventsAndHistoryWithinItsRole} invokes. */
    static final Set<String> STREAM_TEST_FUNCTIONS = Set.of("InviteEventsFunction", "EmailFeedbackFunction");

    /** A function that handled a request wrote a request metric (EMF) in env.json's namespace. */
    private static List<String> requestMetricProblems(Deployment d, String fn) throws Exception {
        String namespace = String.valueOf(section(JSONObjectUtils.parse(Files.readString(ENV_JSON)), "Parameters").get(Config.METRICS_NAMESPACE));
        List<String> emf = d.process(fn).allStderr().stream().filter(l -> l.startsWith("{\"_aws\":")).toList();
        if (emf.stream().noneMatch(l -> l.contains("\"Namespace\":\"" + namespace + "\"") && l.contains("\"Requests\":1"))) {
            return List.of(fn + " wrote no request metric in namespace " + namespace + " (EMF lines: " + emf + ")");
        }
        return List.of();
    }

    /** Recorded DynamoDB stream events (events/streams/), for the stream consumer. */
    static final Path STREAM_EVENTS = EVENTS.resolve("streams");

    /**
     * The stream consumer's event source mapping lets through every record the consumer turns into something (an
     * event, a follow-up, a retirement: StreamImages decodes it to other than StoredChange.Other) and keeps out the
     * busiest items it has nothing to do with. Lambda drops a filtered record for good: a kind missing here would
     * never publish its events in AWS while every local test (no filter there) passes.
     */
    @Test
    void theStreamFilterLetsThroughEveryChangeTheConsumerActsOnAndNothingBusyItIgnores() {
        Map<String, Object> mapping = null;
        for (Object e : map(template.properties("InviteEventsFunction").get("Events")).values()) {
            if ("DynamoDB".equals(map(e).get("Type"))) {
                mapping = map(map(e).get("Properties"));
            }
        }
        assertNotNull(mapping, "InviteEventsFunction has a DynamoDB stream event");
        // {eventName, pk, sk, the consumer acts on it}; REMOVE by TTL carries the service's userIdentity
        String[][] records = {
                {"INSERT", "INVITE#r1#01ABC", "#INVITE", "yes"}, {"MODIFY", "INVITE#r1#01ABC", "#INVITE", "yes"},
                {"INSERT", "ROOM#r1", "#ROOM", "yes"}, {"MODIFY", "ROOM#r1", "#ROOM", "yes"},
                {"TTL", "ROOM#r1", "#RETIRE", "yes"},
                {"MODIFY", "INVITE#r1#01ABC", "FOLLOWUP#UPDATE#1796623094", "yes"},
                {"INSERT", "GLINK#r1", "LINK#01GL", "yes"}, {"MODIFY", "GLINK#r1", "LINK#01GL", "yes"},
                {"INSERT", "GLDEV#r1#01GL#device-1", "#DEVICE", "yes"},
                {"INSERT", "JOINREQ#r1", "REQ#01JR", "yes"}, {"MODIFY", "JOINREQ#r1", "REQ#01JR", "yes"},
                {"INSERT", "INVITE#r1#01ABC", "EVENT#00000000000000000003#x", "no"},
                {"INSERT", "INVITE#r1#01ABC", "FOLLOWUP#CANCEL", "no"}, {"MODIFY", "GLINK#r1", "SLOT#2", "no"},
                {"MODIFY", "GLUSE#r1#01GL#3", "#USES", "no"}, {"INSERT", "JOINPEND#r1#ab12", "#PENDING", "no"},
                {"MODIFY", "ROOM#r1#GATE#3", "#GATE", "no"}, {"INSERT", "IDEM#abc", "#IDEM", "no"},
                {"MODIFY", "QUOTA#ROOM#r1", "#QUOTA", "no"}, {"MODIFY", "SITE", "#SETTINGS", "no"}};
        List<String> problems = new ArrayList<>();
        for (String[] r : records) {
            Map<String, Object> record = new LinkedHashMap<>();
            boolean ttl = r[0].equals("TTL");
            record.put("eventName", ttl ? "REMOVE" : r[0]);
            if (ttl) {
                record.put("userIdentity", Map.of("type", "Service", "principalId", "dynamodb.amazonaws.com"));
            }
            record.put("dynamodb", Map.of("Keys", Map.of("pk", Map.of("S", r[1]), "sk", Map.of("S", r[2]))));
            boolean passes = SamTemplate.passesFilters(mapping, record);
            if (passes != r[3].equals("yes")) {
                problems.add(r[0] + " " + r[1] + " / " + r[2] + (passes ? " passes the filter (nothing to do with it)"
                        : " is filtered out, yet the consumer acts on it"));
            }
        }
        assertNoProblems("the stream filter", problems);
    }

    @Test
    void theStreamConsumerTurnsRecordedStreamEventsIntoEventsAndHistoryWithinItsRole() throws Exception {
        Deployment d = deployment();
        String fn = "InviteEventsFunction";
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(STREAM_EVENTS)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "events/streams/ holds recorded stream events");
        for (Path file : files) {
            Map<String, Object> response = JSONObjectUtils.parse(d.process(fn).invoke(Files.readAllBytes(file)));
            Object failures = response.get("batchItemFailures");
            if (!(failures instanceof List<?> l) || !l.isEmpty()) {
                problems.add(file.getFileName() + ": expected no batch item failures, got " + response
                        + "\nIts stderr:\n" + d.process(fn).stderrTail());
            }
        }
        Map<String, Object> envJson = JSONObjectUtils.parse(Files.readString(ENV_JSON));
        Object bus = section(envJson, "Parameters").get(Config.EVENT_BUS_NAME);
        List<String> types = new ArrayList<>();
        for (Map<String, Object> e : d.eventBridge.entries()) {
            types.add(String.valueOf(e.get("DetailType")));
            expect(problems, "PutEvents Source", "room-invites", e.get("Source"));
            expect(problems, "PutEvents EventBusName", bus, e.get("EventBusName"));
            String detail = String.valueOf(e.get("Detail"));
            if (detail.contains("gia.guest@example.org") || detail.contains("owner@example.com")) {
                problems.add("an unmasked email in an event's detail: " + detail);
            }
        }
        expect(problems, "the events put on the bus", List.of("Invite Created", "Invite Promoted"), types);
        try (DynamoDbClient db = SamLocalSupport.dynamoDb(EmulatorBackend.shared().dynamoDbEndpoint())) {
            int history = db.query(b -> b.tableName(d.table).keyConditionExpression("pk = :pk AND begins_with(sk, :e)")
                    .expressionAttributeValues(Map.of(
                            ":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                    "INVITE#product-summit#01KAWE3J5N6M7P8Q9R0S1T2V3W"),
                            ":e", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("EVENT#")))).count();
            expect(problems, "history items of the invite", 2, history);
        }
        // the SES feedback function: a recorded bounce about a message no invite has is ignored and counted
        String bounce = Files.readString(EVENTS.resolve("ses/bounce-mailbox-does-not-exist.json"))
                .replace("${MESSAGE_ID}", "0100018c-unknown-message-id");
        Map<String, Object> answer = JSONObjectUtils.parse(d.process("EmailFeedbackFunction")
                .invoke(bounce.getBytes(StandardCharsets.UTF_8)));
        expect(problems, "EmailFeedbackFunction's answer to an unknown message id", "UNKNOWN_MESSAGE", answer.get("result"));
        for (String f : List.of(fn, "EmailFeedbackFunction")) {
            problems.addAll(requestMetricProblems(d, f));
            String role = getAtt(template.properties(f).get("Role")).get(0);
            Set<String> granted = grants(role, problems);
            for (String line : new TreeSet<>(d.process(f).recordedCalls())) {
                String call = line.substring(line.indexOf(' ') + 1);
                if (!line.startsWith("snapstart") && !allowed(call, granted, "")) {
                    problems.add(f + " called " + call + " but " + role + " does not allow it (grants " + granted + ")");
                }
            }
        }
        assertNoProblems("the stream consumer and the SES feedback", problems);
    }

    /** Whether the role's grants allow a recorded call; SES template calls also need the template's name to match. */
    private static boolean allowed(String call, Set<String> granted, String templatePattern) {
        if (call.startsWith("dynamodb:")) {
            return granted.contains(call) || (call.endsWith(" tx") && granted.contains(call.substring(0, call.length() - 3)));
        }
        String action = call.contains(" ") ? call.substring(0, call.indexOf(' ')) : call;
        if (action.startsWith("ses:")) {
            String name = call.contains(" template/") ? call.substring(call.indexOf(" template/") + 10) : null;
            // the roles grant the template and its variants, {name}-* (a language, a follow-up: RoomInvitation-updated-de)
            boolean nameAllowed = name != null && (templatePattern.endsWith("*")
                    ? name.startsWith(templatePattern.substring(0, templatePattern.length() - 1))
                    : name.equals(templatePattern) || name.startsWith(templatePattern + "-"));
            return nameAllowed && switch (action) {
                case "ses:SendEmail" -> granted.containsAll(Set.of("ses:SendEmail ses:identity", "ses:SendEmail ses:template"));
                case "ses:GetEmailTemplate" -> granted.contains("ses:GetEmailTemplate ses:template");
                default -> false;
            };
        }
        if (call.startsWith("events:")) {
            return granted.contains(call + " event-bus");
        }
        return call.equals("secretsmanager:GetSecretValue") && granted.contains("secretsmanager:GetSecretValue secret");
    }

    // ================================================================== the deployment: one process per function

    private synchronized Deployment deployment() throws Exception {
        if (deployment == null) {
            long started = System.nanoTime();
            deployment = new Deployment(template);
            for (FunctionProcess p : deployment.processes.values()) {
                p.awaitInit();
            }
            System.out.printf("contract: emulators, table and %d function JVMs ready in %d ms%n",
                    deployment.processes.size(), (System.nanoTime() - started) / 1_000_000);
        }
        return deployment;
    }

    /** The functions as `sam local invoke` would run them, against DynamoDB Local and the SES emulator. */
    static final class Deployment implements AutoCloseable {
        final Map<String, FunctionProcess> processes = new LinkedHashMap<>();
        final Map<String, FunctionProcess> probes = new LinkedHashMap<>();
        final Map<String, String> tokens;
        final SamLocalSupport idp;
        final Path work;
        final String table;
        final EventBridgeStub eventBridge;
        final SqsStub sqs;

        Deployment(SamTemplate template) throws Exception {
            work = Files.createTempDirectory("sam-contract");
            String classpath = layOutRunner(work.resolve("runner")) + java.io.File.pathSeparator + codeSource(LambdaEventSerializers.class);
            Path recorder = layOutRecorder(work.resolve("recorder"));
            EmulatorBackend backend = EmulatorBackend.shared();
            table = Backends.uniqueName("sam-contract");
            SamLocalSupport.createTable(backend.dynamoDbEndpoint(), table);
            eventBridge = new EventBridgeStub();
            sqs = new SqsStub();
            EmailTemplate emailTemplate = EmailTemplate.fromJson(Files.readString(EMAIL_TEMPLATE_FILE));
            assertEquals(EMAIL_TEMPLATE, emailTemplate.name(), "the settings event selects " + EMAIL_TEMPLATE_FILE);
            try (SesV2Client ses = backend.sesV2Client()) {
                // unless created earlier in this JVM (the emulator is shared): the same file
                SesEmailGateway.ensureTemplate(ses, emailTemplate);
            }
            Map<String, Object> envJson = JSONObjectUtils.parse(Files.readString(ENV_JSON));
            Map<String, Object> params = section(envJson, "Parameters");
            idp = SamLocalSupport.start(InetAddress.getLoopbackAddress(), 0, String.valueOf(params.get("IDP_ISSUER")),
                    String.valueOf(params.get("IDP_AUDIENCE")));
            tokens = idp.tokens();
            // sam local's values (env.json over the template's declared names), with the emulators' addresses
            Map<String, String> overrides = Map.of(
                    Config.TABLE_NAME, table,
                    "AWS_ENDPOINT_URL_DYNAMODB", backend.dynamoDbEndpoint().toString(),
                    "AWS_ENDPOINT_URL_SESV2", backend.sesEndpoint().toString(),
                    "AWS_ENDPOINT_URL_EVENTBRIDGE", eventBridge.endpoint().toString(),
                    Config.IDP_JWKS_URL, idp.jwksUrl().toString(),
                    Config.ERASURE_QUEUE_URL, sqs.queueUrl("room-invites-ErasureQueue"));
            for (String fn : template.functions()) {
                Map<String, String> own = new HashMap<>(overrides);
                if (fn.equals("FollowUpFunction")) {
                    // the fan-out's queues (the stub); the stream consumer keeps env.json's "" (no follow-ups in this
                    // flow: FollowUpEmailTest and the moto flow drive them)
                    own.put(Config.EMAIL_QUEUE_URL, sqs.queueUrl("room-invites-EmailQueue"));
                    own.put(Config.FOLLOW_UP_QUEUE_URL, sqs.queueUrl("room-invites-FollowUpQueue"));
                }
                Map<String, String> env = samLocalEnvironment(template, envJson, fn, own, work);
                processes.put(fn, FunctionProcess.start(fn, jar(template, fn), handler(template, fn), env, classpath, recorder, work));
            }
            Map<String, String> noFrom = samLocalEnvironment(template, envJson, "CreateInviteFunction", overrides, work);
            noFrom.remove(Config.EMAIL_FROM);
            probes.put("no-email-from", FunctionProcess.start("probe-no-email-from", jar(template, "CreateInviteFunction"),
                    handler(template, "CreateInviteFunction"), noFrom, classpath, recorder, work));
            Map<String, String> malformed = samLocalEnvironment(template, envJson, "RedeemInviteFunction", overrides, work);
            malformed.put(Config.ACCESS_TOKEN_TTL_MINUTES, "soon");
            malformed.put(Config.IDP_JWKS_URL, "jwks");
            probes.put("malformed", FunctionProcess.start("probe-malformed", jar(template, "RedeemInviteFunction"),
                    handler(template, "RedeemInviteFunction"), malformed, classpath, recorder, work));
        }

        FunctionProcess process(String fn) {
            return Objects.requireNonNull(processes.get(fn), "no process for " + fn);
        }

        FunctionProcess probe(String name) {
            return probes.get(name);
        }

        @Override
        public void close() {
            Stream.concat(processes.values().stream(), probes.values().stream()).forEach(FunctionProcess::close);
            idp.close();
            eventBridge.close();
            sqs.close();
        }
    }

    /**
     * The environment `sam local invoke FN --env-vars events/env.json` gives a function: each variable the template
     * declares for it, valued from env.json (the function's section over Parameters); then the test's own
     * endpoints and table; then what the runtime itself sets (region, dummy credentials: nothing reaches AWS).
     */
    static Map<String, String> samLocalEnvironment(SamTemplate template, Map<String, Object> envJson, String fn,
                                                   Map<String, String> overrides, Path work) {
        Map<String, String> env = new TreeMap<>();
        Map<String, Object> params = section(envJson, "Parameters");
        Map<String, Object> own = section(envJson, fn);
        for (String v : template.environment(fn).keySet()) {
            Object value = own.containsKey(v) ? own.get(v) : params.get(v);
            if (value == null) {
                throw new AssertionError("env.json gives no value for " + v + " on " + fn);
            }
            env.put(v, overrides.getOrDefault(v, String.valueOf(value)));
        }
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", SamLocalSupport.LOCAL_ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SamLocalSupport.LOCAL_ACCESS_KEY);
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", work.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-aws-credentials").toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", fn);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("TZ", "UTC");
        return env;
    }

    private static String layOutRunner(Path dir) throws IOException {
        Path pkg = dir.resolve("io/roominvites/contract");
        Files.createDirectories(pkg);
        Path classes = Path.of(codeSource(LambdaRunner.class)).resolve("io/roominvites/contract");
        try (Stream<Path> s = Files.list(classes)) {
            for (Path c : s.filter(p -> p.getFileName().toString().startsWith("LambdaRunner")).toList()) {
                Files.copy(c, pkg.resolve(c.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createDirectories(pkg.resolve("crac"));
        try (Stream<Path> s = Files.list(classes.resolve("crac"))) {
            for (Path c : s.toList()) {
                Files.copy(c, pkg.resolve("crac").resolve(c.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir.toString();
    }

    private static Path layOutRecorder(Path dir) throws IOException {
        Path pkg = dir.resolve("io/roominvites/contract");
        Files.createDirectories(pkg);
        Path classes = Path.of(codeSource(SdkCallRecorder.class)).resolve("io/roominvites/contract");
        Files.copy(classes.resolve("SdkCallRecorder.class"), pkg.resolve("SdkCallRecorder.class"), StandardCopyOption.REPLACE_EXISTING);
        Path services = dir.resolve("software/amazon/awssdk/global/handlers");
        Files.createDirectories(services);
        try (InputStream in = SamContractTest.class.getResourceAsStream("/contract/execution.interceptors")) {
            Files.copy(Objects.requireNonNull(in, "contract/execution.interceptors"), services.resolve("execution.interceptors"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    private static String codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    // ================================================================== helpers

    private Path jar(String fn) {
        return jar(template, fn);
    }

    static Path jar(SamTemplate template, String fn) {
        return ROOT.resolve(String.valueOf(template.properties(fn).get("CodeUri"))).normalize();
    }

    private String handler(String fn) {
        return handler(template, fn);
    }

    static String handler(SamTemplate template, String fn) {
        return String.valueOf(template.functionProperty(fn, "Handler").orElse(""));
    }

    /** The operations of a function: those whose route the template wires to it. */
    private Set<Operation> operations(String fn) {
        Set<Operation> out = EnumSet.noneOf(Operation.class);
        for (String route : template.httpApiRoutes(fn)) {
            for (Operation op : Operation.values()) {
                if (op.routeKey().equals(route)) {
                    out.add(op);
                }
            }
        }
        return out;
    }

    private static boolean readBy(String variable, Set<Operation> ops) {
        Set<Operation> readers = VARIABLE_READERS.getOrDefault(variable, Set.of());
        return ops.stream().anyMatch(readers::contains);
    }

    private boolean isResourceOfType(String logicalId, String type) {
        Object r = logicalId == null ? null : template.resources().get(logicalId);
        return r != null && type.equals(map(r).get("Type"));
    }

    static List<Path> eventFiles() throws IOException {
        try (Stream<Path> s = Files.list(EVENTS)) {
            return s.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().equals("env.json"))
                    .sorted().toList();
        }
    }

    /** Fills ${NAME} placeholders; with {@code strict}, a placeholder without a value yet fails (an ordering mistake). */
    static String substitute(String text, Map<String, String> values, boolean strict) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                if (strict) {
                    throw new AssertionError("${" + m.group(1) + "} has no value yet: an earlier event must provide it");
                }
                v = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    static Map<String, Object> section(Map<String, Object> envJson, String name) {
        Object s = envJson.get(name);
        return s instanceof Map<?, ?> ? SamTemplate.map(s) : Map.of();
    }

    private static Map<String, Object> obj(Map<String, Object> body, String key) {
        Object o = body.get(key);
        if (!(o instanceof Map<?, ?>)) {
            throw new AssertionError("no object '" + key + "' in " + body);
        }
        return SamTemplate.map(o);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @SafeVarargs
    private static <T> Set<T> union(Set<T>... sets) {
        Set<T> out = new LinkedHashSet<>();
        for (Set<T> s : sets) {
            out.addAll(s);
        }
        return out;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static void diff(List<String> problems, String what, Set<String> items) {
        if (!items.isEmpty()) {
            problems.add(what + ": " + items);
        }
    }

    private static void expect(List<String> problems, String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            problems.add(what + ": expected " + expected + ", template.yaml has " + actual);
        }
    }

    private static void assertNoProblems(String what, List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s) with " + what + ":\n  - " + String.join("\n  - ", problems));
        }
    }

}
