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
import io.roominvites.store.InviteStore;
import io.roominvites.store.dynamo.DynamoInviteStore;
import io.roominvites.store.dynamo.TableSetup;
import io.roominvites.tokens.KeyRing;
import io.roominvites.tokens.LocalIdentityProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
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
    private final LocalEvents events;
    private final io.roominvites.service.EmailFeedback emailFeedback;
    private final InMemoryEmailQueue emailQueue;
    private final InMemoryErasureQueue erasureQueue;
    private final InMemoryFollowUpQueue followUpQueue;
    private final LocalReminderSchedules reminders;
    private final io.roominvites.service.FollowUps followUps;
    private java.util.concurrent.ScheduledExecutorService reminderTimer;
    private final TtlSweeper ttl;
    private java.util.concurrent.ScheduledExecutorService ttlTimer;

    /** How to assemble it. */
    public static final class Options {
        /**
         * The DynamoDB client's HTTP client; null: the functions' own (Apache: pooled keep-alive connections with
         * TCP_NODELAY; the JDK's URL-connection client took 10-20 ms a call on loopback, ~60 ms a list page).
         */
        public software.amazon.awssdk.http.SdkHttpClient httpClient;
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
        /** Further settings of the DynamoDB client (the fault-injection suite's retry timing, say). */
        public java.util.function.Consumer<software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.Builder>
                dynamoOverrides = c -> { };
        public DevClock clock = new DevClock();
        public Set<Operation> operations = EnumSet.allOf(Operation.class);
        /** Create the table (and its index and TTL) when it is missing; when false, a missing table stops the start. */
        public boolean createTable = true;
        /**
         * The table it creates has its stream, as template.yaml's does; false leaves it off (tests whose stream nobody
         * reads: DynamoDB Local does extra work on every write to a stream table; see TableSetup).
         * {@link #lifecycleEvents} turns it on whatever this says.
         */
        public boolean tableStream = true;
        /** Where the signing keys are kept (read if present, else generated and written); null: a new key in memory. */
        public Path keysFile;
        /** The local identity provider's signing key; null: a new one (tests starting many services share one). */
        public com.nimbusds.jose.jwk.RSAKey identityKey;
        public Region region = Region.US_EAST_1;
        public software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        /** Run the stream consumer on DynamoDB Local's stream, its events kept in memory (GET /dev/events). */
        public boolean lifecycleEvents;
        /** How often the stream consumer polls the stream. */
        public Duration streamPollInterval = Duration.ofMillis(100);
        /** Where invite ids and room versions come from; null: random ones (a seeded Ids makes a run repeatable). */
        public io.roominvites.service.Ids ids;
        /** Wraps the store the app uses (not the stream consumer's): a test's decorator; null leaves it as it is. */
        public java.util.function.UnaryOperator<io.roominvites.store.InviteStore> storeDecorator;
        /**
         * DynamoDB's TTL on the dev clock ({@link TtlSweeper}): true sweeps after every clock advance (at once, the
         * worst case DynamoDB allows); {@link #ttlSweepInterval} sweeps on the wall clock too.
         */
        public boolean ttlSweeper = true;
        /** How often the TTL sweeper runs on its own (the local runner); null: only after clock advances. */
        public Duration ttlSweepInterval;
        /** Bulk emails go here to be sent after the answer (consumed in-process); null sends them within the request. */
        public InMemoryEmailQueue emailQueue = new InMemoryEmailQueue();
        /** Erasures' jobs go here (consumed in-process); null: erasure is not offered. */
        public InMemoryErasureQueue erasureQueue = new InMemoryErasureQueue();
        /**
         * Calendar updates, cancellations and reminders' fan-outs go here (consumed in-process); null, or no email
         * queue, or no lifecycle events (the stream starts them): none.
         */
        public InMemoryFollowUpQueue followUpQueue = new InMemoryFollowUpQueue();
        /** How long one fan-out runs before it hands the rest back. */
        public Duration followUpBudget = Duration.ofSeconds(60);
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
                .region(o.region)
                .credentialsProvider(o.credentials)
                .httpClient(o.httpClient != null ? o.httpClient : ApacheHttpClient.builder().maxConnections(64).build())
                .overrideConfiguration(c -> {
                    o.interceptors.forEach(c::addExecutionInterceptor);
                    o.dynamoOverrides.accept(c);
                })
                .build();
        if (o.createTable) {
            TableSetup.create(db, o.tableName, o.tableStream || o.lifecycleEvents);
        } else {
            requireTable(db, o.tableName, dynamoEndpoint);
        }
        this.store = new DynamoInviteStore(db, o.tableName);
        this.emailFeedback = new io.roominvites.service.EmailFeedback(store);
        this.ttl = o.ttlSweeper ? new TtlSweeper(db, o.tableName, clock) : null;
        this.followUpQueue = o.followUpQueue != null && o.emailQueue != null && o.lifecycleEvents ? o.followUpQueue : null;
        if (followUpQueue != null) {
            this.reminders = new LocalReminderSchedules(clock, followUpQueue);
            InviteStore followUpStore = o.storeDecorator == null ? store : o.storeDecorator.apply(store);
            this.followUps = new io.roominvites.service.FollowUps(followUpStore,
                    new io.roominvites.service.SettingsCache(followUpStore, clock, Duration.ZERO), o.emailQueue,
                    followUpQueue, reminders, clock, o.followUpBudget);
            clock.onAdvance(reminders::fireDue);
        } else {
            this.reminders = null;
            this.followUps = null;
        }
        this.events = o.lifecycleEvents
                ? LocalEvents.start(db, dynamoEndpoint, o.tableName, store, clock, ttl, o.streamPollInterval, followUps) : null;
        if (ttl != null) {
            clock.onAdvance(ttl::sweep);
            if (o.ttlSweepInterval != null) {
                long every = o.ttlSweepInterval.toMillis();
                this.ttlTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r ->
                        Thread.ofPlatform().name("local-ttl-sweeper").daemon().unstarted(r));
                ttlTimer.scheduleWithFixedDelay(this::sweepQuietly, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        // a kid of its own per start (never the kid of another key: events/env.json's LOCAL-ONLY key is sam-local-1),
        // or the one kept in LOCAL_DATA_DIR, so that links survive a restart
        this.keys = o.keysFile == null ? KeyRing.generate(LocalServices.freshKid()) : keptKeys(o.keysFile);
        this.idp = new LocalIdentityProvider(o.issuerBase + "/local-idp", IDP_AUDIENCE, clock,
                o.identityKey != null ? o.identityKey : LocalIdentityProvider.newKey());

        App.Parts parts = new App.Parts();
        parts.store = o.storeDecorator == null ? store : o.storeDecorator.apply(store);
        if (o.ids != null) {
            parts.ids = o.ids;
        }
        parts.keys = keys;
        parts.callers = idp.verifier(clock);
        parts.email = o.email;
        this.emailQueue = o.emailQueue;
        parts.emailQueue = o.emailQueue;
        parts.calendar = new io.roominvites.calendar.ical.BiweeklyCalendarWriter();
        this.erasureQueue = o.erasureQueue;
        parts.erasureQueue = o.erasureQueue;
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
        if (events != null && o.operations.contains(Operation.DEV_EVENTS)) {
            parts.extraHandlers.put(Operation.DEV_EVENTS, (r, p) -> events.devEvents());
        }
        if (o.operations.contains(Operation.DEV_SES_EVENT)) {
            parts.extraHandlers.put(Operation.DEV_SES_EVENT, (r, p) -> devSesEvent(r.body()));
        }
        Set<Operation> ops = EnumSet.copyOf(o.operations);
        ops.removeIf(Operation::localOnly);
        this.app = App.create(parts, ops.isEmpty() ? EnumSet.noneOf(Operation.class) : ops);
    }

    public static LocalServices start(Options options) throws Exception {
        return new LocalServices(options);
    }

    /** A table that must exist already (an external DynamoDB without LOCAL_CREATE_TABLE=true). */
    private static void requireTable(DynamoDbClient db, String table, URI endpoint) {
        try {
            db.describeTable(b -> b.tableName(table));
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException missing) {
            throw new IllegalStateException("The table " + table + " does not exist at " + endpoint
                    + ". Create it (template.yaml declares it), or set LOCAL_CREATE_TABLE=true to let the runner create it.");
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new IllegalStateException("DynamoDB at " + endpoint + " could not be asked about the table " + table
                    + ": " + e.getMessage());
        }
    }

    /**
     * The signing keys kept in {@code file}: read when it exists, else generated and written there (owner-only
     * permissions where the file system has them), so that links issued before a restart still verify after it.
     */
    /** A kid no other key uses: {@code local-} and random hex. */
    static String freshKid() {
        return "local-" + Long.toHexString(new java.security.SecureRandom().nextLong() >>> 16);
    }

    static KeyRing keptKeys(Path file) throws java.io.IOException {
        if (java.nio.file.Files.exists(file)) {
            try {
                return KeyRing.fromJson(java.nio.file.Files.readString(file));
            } catch (RuntimeException e) {
                throw new IllegalStateException("The signing keys in " + file + " can't be read (" + e.getMessage()
                        + "). Remove the file to start with a new key (links issued before stop working).");
            }
        }
        KeyRing generated = KeyRing.generate(freshKid());
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        java.nio.file.Files.writeString(tmp, generated.toJson());
        try {
            java.nio.file.Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions keeps its defaults
        }
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return generated;
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

    /** POST /dev/ses-event: a recorded SES event (events/ses/), as the deployed EmailFeedbackFunction gets it. */
    private HttpResponse devSesEvent(String body) {
        Map<String, Object> json = parse(body);
        String result;
        try {
            result = emailFeedback.record(json).name();
        } catch (IllegalArgumentException notSes) {
            throw InviteException.invalid("detail", "must be an SES event (eventType and mail.messageId), as events/ses/ has");
        }
        return new HttpResponse(200, Map.of("Content-Type", "application/json"), Json.write(Map.of("result", result,
                "unknownMessages", emailFeedback.unknownMessages())));
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

    /** The lifecycle events (null unless {@link Options#lifecycleEvents}). */
    public LocalEvents events() {
        return events;
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

    /** The follow-up queue (null when follow-ups are off: no email queue or no lifecycle events). */
    public InMemoryFollowUpQueue followUpQueue() {
        return followUpQueue;
    }

    /** The reminders' schedules on the runner's clock (null when follow-ups are off). */
    public LocalReminderSchedules reminders() {
        return reminders;
    }

    /** The follow-ups (null when off): the fan-out the follow-up function runs in AWS. */
    public io.roominvites.service.FollowUps followUps() {
        return followUps;
    }

    /**
     * Runs the follow-up queue in the background, as the follow-up function does in AWS, and fires the reminders'
     * schedules on the runner's clock every {@code periodMillis} too (besides after every clock advance).
     */
    public synchronized void startFollowUpConsumer(long periodMillis) {
        if (followUpQueue != null && reminderTimer == null) {
            followUpQueue.startConsumer(followUps, periodMillis);
            reminderTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r ->
                    Thread.ofPlatform().name("local-reminders").daemon().unstarted(r));
            reminderTimer.scheduleWithFixedDelay(() -> {
                try {
                    reminders.fireDue();
                } catch (RuntimeException e) {
                    System.err.println("local reminders: " + e.getClass().getSimpleName() + " (firing again later)");
                }
            }, periodMillis, periodMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** The in-memory erasure queue (null when erasure is not offered). */
    public InMemoryErasureQueue erasureQueue() {
        return erasureQueue;
    }

    /** Runs the erasure queue in the background, as the erasure function does in AWS (the local runner). */
    public void startErasureConsumer() {
        if (erasureQueue != null) {
            erasureQueue.startConsumer(app.erasures(), 250);
        }
    }

    /** DynamoDB's TTL on the dev clock (null when off). */
    public TtlSweeper ttl() {
        return ttl;
    }

    private void sweepQuietly() {
        try {
            ttl.sweep();
        } catch (RuntimeException e) {
            System.err.println("local TTL sweeper: " + e.getClass().getSimpleName() + " (sweeping again later)");
        }
    }

    public URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    @Override
    public void close() throws Exception {
        if (ttlTimer != null) {
            ttlTimer.shutdownNow();
        }
        if (events != null) {
            events.close();
        }
        if (emailQueue != null) {
            emailQueue.close();
        }
        if (erasureQueue != null) {
            erasureQueue.close();
        }
        if (reminderTimer != null) {
            reminderTimer.shutdownNow();
        }
        if (followUpQueue != null) {
            followUpQueue.close();
        }
        db.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
