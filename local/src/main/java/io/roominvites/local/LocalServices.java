package io.roominvites.local;

import io.roominvites.app.App;
import io.roominvites.domain.Caller;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.email.EmailGateway;
import io.roominvites.http.Cors;
import io.roominvites.http.HttpResponse;
import io.roominvites.json.Json;
import io.roominvites.http.Operation;
import io.roominvites.store.dynamo.DynamoInviteStore;
import io.roominvites.store.dynamo.TableSetup;
import io.roominvites.tokens.KeyRing;
import io.roominvites.tokens.LocalIdentityProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole service assembled in one process, as the local runner and the integration tests use it:
 * DynamoDB (an embedded DynamoDB Local, or an endpoint given), a generated signing key, a local
 * identity provider, a movable clock and the local-only /dev routes.
 */
public final class LocalServices implements AutoCloseable {
    public static final String IDP_AUDIENCE = "room-invites-local";

    private final DevClock clock;
    private final LocalIdentityProvider idp;
    private final KeyRing keys;
    private final DynamoDbClient db;
    private final DynamoInviteStore store;
    private final App app;
    private final DynamoDbLocalServer embedded;
    private final URI dynamoEndpoint;
    private final InMemoryEmailQueue emailQueue;

    /** How to assemble it. */
    public static final class Options {
        /** An existing DynamoDB endpoint; null starts an embedded DynamoDB Local. */
        public URI dynamoEndpoint;
        /** With the embedded DynamoDB Local: keep data in this folder; null keeps it in memory. */
        public Path dataDir;
        public String tableName = "room-invites";
        public String issuerBase = "http://127.0.0.1:3000";
        public EmailGateway email = EmailGateway.NONE;
        public Set<String> corsOrigins = Set.of();
        public Duration settingsMaxAge = Duration.ofSeconds(30);
        public List<ExecutionInterceptor> interceptors = new ArrayList<>();
        public DevClock clock = new DevClock();
        public Set<Operation> operations = EnumSet.allOf(Operation.class);
        /** Bulk emails go here to be sent after the answer (consumed in-process); null sends them within the request. */
        public InMemoryEmailQueue emailQueue = new InMemoryEmailQueue();
    }

    private LocalServices(Options o) throws Exception {
        this.clock = o.clock;
        if (o.dynamoEndpoint == null) {
            this.embedded = DynamoDbLocalServer.launch(o.dataDir);
            this.dynamoEndpoint = embedded.endpoint();
        } else {
            this.embedded = null;
            this.dynamoEndpoint = o.dynamoEndpoint;
        }
        this.db = DynamoDbClient.builder()
                .endpointOverride(dynamoEndpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> o.interceptors.forEach(c::addExecutionInterceptor))
                .build();
        TableSetup.create(db, o.tableName);
        this.store = new DynamoInviteStore(db, o.tableName);
        this.keys = KeyRing.generate("local-1");
        this.idp = new LocalIdentityProvider(o.issuerBase + "/local-idp", IDP_AUDIENCE, clock);

        App.Parts parts = new App.Parts();
        parts.store = store;
        parts.keys = keys;
        parts.callers = idp.verifier(clock);
        parts.email = o.email;
        this.emailQueue = o.emailQueue;
        parts.emailQueue = o.emailQueue;
        parts.clock = clock;
        parts.issuer = o.issuerBase;
        parts.settingsMaxAge = o.settingsMaxAge;
        parts.cors = new Cors(o.corsOrigins);
        if (o.operations.contains(Operation.DEV_TOKEN)) {
            parts.extraHandlers.put(Operation.DEV_TOKEN, (r, p) -> devToken(r.body()));
        }
        if (o.operations.contains(Operation.DEV_CLOCK)) {
            parts.extraHandlers.put(Operation.DEV_CLOCK, (r, p) -> devClock(r.body()));
        }
        Set<Operation> ops = EnumSet.copyOf(o.operations);
        ops.removeIf(Operation::localOnly);
        this.app = App.create(parts, ops.isEmpty() ? EnumSet.noneOf(Operation.class) : ops);
    }

    public static LocalServices start(Options options) throws Exception {
        return new LocalServices(options);
    }

    private HttpResponse devToken(String body) {
        Map<String, Object> json = parse(body);
        Object email = json.get("email");
        if (!(email instanceof String e) || !io.roominvites.domain.Emails.isValid(e)) {
            throw InviteException.invalid("email", "is required and must be an email address");
        }
        String first = json.get("firstName") instanceof String s ? s : null;
        String last = json.get("lastName") instanceof String s ? s : null;
        boolean admin = Boolean.TRUE.equals(json.get("siteAdmin"));
        String token = idp.mint(io.roominvites.domain.Emails.normalize(e), first, last, admin, Duration.ofHours(12));
        return new HttpResponse(200, Map.of("Content-Type", "application/json"), Json.write(Map.of("token", token)));
    }

    private HttpResponse devClock(String body) {
        Map<String, Object> json = parse(body);
        if (!(json.get("advanceSeconds") instanceof Number n) || n instanceof Double || n.longValue() < 0
                || n.longValue() > 366L * 86400) {
            throw InviteException.invalid("advanceSeconds", "must be a whole number from 0 to 31622400");
        }
        return new HttpResponse(200, Map.of("Content-Type", "application/json"),
                Json.write(Map.of("now", clock.advance(Duration.ofSeconds(n.longValue())).toString())));
    }

    private static Map<String, Object> parse(String body) {
        try {
            return Json.parseObject(body == null ? "" : body);
        } catch (ParseException | RuntimeException e) {
            throw new InviteException(ErrorCode.INVALID_REQUEST, "The request body is not a valid JSON object.");
        }
    }

    /** A site administrator, for seeding without HTTP. */
    public static Caller localAdmin() {
        return new Caller("local|admin@example.com", "admin@example.com", "Site", "Admin", true);
    }

    public App app() {
        return app;
    }

    public DevClock clock() {
        return clock;
    }

    public LocalIdentityProvider identityProvider() {
        return idp;
    }

    public KeyRing keys() {
        return keys;
    }

    public DynamoDbClient dynamoDb() {
        return db;
    }

    public DynamoInviteStore store() {
        return store;
    }

    /** The in-memory email queue (null when bulk emails are sent within the request). */
    public InMemoryEmailQueue emailQueue() {
        return emailQueue;
    }

    /** Consumes the email queue in the background, as the queue's Lambda function does in AWS (the local runner). */
    public void startEmailConsumer() {
        if (emailQueue != null) {
            emailQueue.startConsumer(app.queuedEmails(), 250);
        }
    }

    public URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    @Override
    public void close() throws Exception {
        if (emailQueue != null) {
            emailQueue.close();
        }
        db.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
