package io.roominvites.app;

import com.nimbusds.jose.JWSAlgorithm;
import io.roominvites.aws.AwsClients;
import io.roominvites.aws.Config;
import io.roominvites.email.EmailGateway;
import io.roominvites.http.Api;
import io.roominvites.http.Discovery;
import io.roominvites.http.Cors;
import io.roominvites.http.Operation;
import io.roominvites.http.Router;
import io.roominvites.metrics.Metrics;
import io.roominvites.email.EmailQueue;
import io.roominvites.service.AdminService;
import io.roominvites.service.BulkInvites;
import io.roominvites.service.QueuedEmails;
import io.roominvites.service.Ids;
import io.roominvites.service.InvitationEmails;
import io.roominvites.service.InviteChanges;
import io.roominvites.service.InviteService;
import io.roominvites.service.InviteeEntry;
import io.roominvites.service.SettingsCache;
import io.roominvites.store.dynamo.DynamoInviteStore;
import io.roominvites.tokens.AccessTokens;
import io.roominvites.tokens.CallerVerifier;
import io.roominvites.tokens.KeyRing;
import io.roominvites.tokens.LinkTokens;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * The composition root: builds, once per container, what a function's operations need (clients, key
 * material, services, the router) and nothing more. Tests and the local runner build it with their own
 * clients, keys, identity provider and clock through {@link Parts}.
 */
public final class App {
    /** Operations that need neither the table nor the callers' identity provider: the public key documents. */
    static final Set<Operation> KEY_DOCUMENTS = Operation.servedBy(Operation.Function.JWKS);

    private final Router router;
    private final Parts parts;
    private final InviteService invites;
    private final SettingsCache settings;
    private final QueuedEmails queuedEmails;
    private final io.roominvites.service.Erasures erasures;
    private final io.roominvites.service.FollowUps followUps;

    private App(Parts parts, Set<Operation> operations) {
        this.parts = parts;
        this.settings = new SettingsCache(parts.store, parts.clock, parts.settingsMaxAge);
        LinkTokens links = parts.keys == null ? null : new LinkTokens(parts.keys, parts.issuer);
        AccessTokens access = parts.keys == null ? null : new AccessTokens(parts.keys, parts.issuer, parts.accessAudience);
        this.invites = new InviteService(parts.store, settings, links, parts.email, parts.clock, parts.ids, parts.calendar);
        InvitationEmails invitations = invites.emails();
        AdminService admin = new AdminService(parts.store, settings, parts.clock, parts.ids);
        this.queuedEmails = new QueuedEmails(invitations, parts.store, settings, parts.email, parts.clock,
                new io.roominvites.service.FollowUpSender(invitations, parts.store, settings, parts.email, parts.calendar,
                        parts.clock, parts.ids));
        this.followUps = parts.followUpQueue == null || parts.emailQueue == null ? null
                : new io.roominvites.service.FollowUps(parts.store, settings, parts.emailQueue, parts.followUpQueue,
                parts.reminderSchedules, parts.clock, parts.followUpBudget);
        BulkInvites bulk = new BulkInvites(invites, parts.store, settings, queuedEmails, parts.emailQueue, parts.clock,
                parts.ids);
        InviteeEntry entry = new InviteeEntry(parts.store, settings, links, access, parts.clock, parts.accessTokenTtl);
        InviteChanges changes = new InviteChanges(invitations, parts.store, settings, parts.clock);
        this.erasures = new io.roominvites.service.Erasures(parts.store, parts.erasureQueue, parts.clock, parts.ids,
                parts.erasureBudget);
        io.roominvites.service.GuestLinks guests = new io.roominvites.service.GuestLinks(parts.store, settings, links,
                access, parts.clock, parts.ids, parts.accessTokenTtl);
        io.roominvites.service.JoinRequests joins = new io.roominvites.service.JoinRequests(parts.store, settings, links,
                guests, invites, changes, parts.clock, parts.ids);
        Api api = new Api(invites, invitations, changes, entry, bulk, new io.roominvites.service.InviteExport(parts.store, links, parts.clock),
                erasures, new io.roominvites.service.CodeExchange(parts.store, links, parts.clock),
                new io.roominvites.service.InviteCalendar(entry, settings, parts.calendar, parts.clock), admin, parts.callers, access, parts.clock, parts.issuer, guests, joins);
        Map<Operation, Router.Handler> handlers = api.handlers(operations);
        handlers.putAll(parts.extraHandlers);
        this.router = new Router(handlers, parts.cors);
    }

    public static App create(Parts parts, Set<Operation> operations) {
        return new App(parts, operations);
    }

    /**
     * Builds a function's app from its environment (see {@link Config}), failing fast with a message that
     * names every missing or malformed variable.
     */
    public static App fromEnvironment(Set<Operation> operations, Function<Config, EmailGateway> emailFactory) {
        return fromConfig(Config.fromEnvironment(), operations, emailFactory);
    }

    /**
     * As {@link #fromEnvironment(Set, Function)}, with the email queue bulk batches hand their emails to
     * ({@code queueFactory} answers null when none is configured: then a batch emails at most
     * {@link BulkInvites#SEND_WITHIN_REQUEST} invitations, within the request).
     */
    public static App fromEnvironment(Set<Operation> operations, Function<Config, EmailGateway> emailFactory,
                                      Function<Config, EmailQueue> queueFactory) {
        return fromConfig(Config.fromEnvironment(), operations, emailFactory, queueFactory);
    }

    /**
     * The email queue's consumer: the sender of queued emails over the table, the signing keys (each email's link)
     * and the email gateway; no identity provider (nothing here is called by a caller). Fails fast like
     * {@link #fromConfig}.
     */
    public static QueuedEmails queuedEmailsFromConfig(Config config, Function<Config, EmailGateway> emailFactory) {
        return queuedEmailsFromConfig(config, emailFactory, null);
    }

    /** As {@link #queuedEmailsFromConfig(Config, Function)}, attaching each invitation's {@code invite.ics}. */
    public static QueuedEmails queuedEmailsFromConfig(Config config, Function<Config, EmailGateway> emailFactory,
                                                      io.roominvites.calendar.CalendarWriter calendar) {
        String table = config.required(Config.TABLE_NAME, "the DynamoDB table");
        String issuer = config.optional(Config.TOKEN_ISSUER, "room-invites");
        int settingsAge = config.integer(Config.SETTINGS_CACHE_SECONDS, 30, 0, 3600);
        String secretId = config.raw(Config.SIGNING_KEY_SECRET_ID);
        String keysJson = config.raw(Config.SIGNING_KEYS_JSON);
        if (secretId == null && keysJson == null) {
            config.problem(Config.SIGNING_KEY_SECRET_ID + " is not set (the Secrets Manager secret holding the signing keys; "
                    + Config.SIGNING_KEYS_JSON + " may hold them directly for local use)");
        }
        String metricsNamespace = metricsNamespace(config);
        EmailGateway email = emailFactory.apply(config);
        config.validate();
        Metrics.enable(metricsNamespace);
        Parts parts = new Parts();
        parts.issuer = issuer;
        parts.settingsMaxAge = Duration.ofSeconds(settingsAge);
        parts.store = new DynamoInviteStore(AwsClients.dynamoDb(), table);
        parts.keys = SigningKeys.fromSecret(keysJson != null ? keysJson : AwsClients.secretString(secretId));
        parts.email = email;
        parts.calendar = calendar;
        return new App(parts, EnumSet.noneOf(Operation.class)).queuedEmails();
    }

    /**
     * The erasure queue's consumer: erasures over the table, handing a job that ran out of its budget back to the same
     * queue; no keys, no identity provider, no email. Fails fast like {@link #fromConfig}.
     */
    public static io.roominvites.service.Erasures erasuresFromConfig(Config config,
                                                                     Function<Config, io.roominvites.service.Erasures.Queue> queues) {
        String table = config.required(Config.TABLE_NAME, "the DynamoDB table");
        config.required(Config.ERASURE_QUEUE_URL, "the erasure queue's URL");
        String metricsNamespace = metricsNamespace(config);
        io.roominvites.service.Erasures.Queue queue = queues.apply(config);
        config.validate();
        Metrics.enable(metricsNamespace);
        Parts parts = new Parts();
        parts.store = new DynamoInviteStore(AwsClients.dynamoDb(), table);
        parts.erasureQueue = queue;
        return new App(parts, EnumSet.noneOf(Operation.class)).erasures();
    }

    /**
     * The CloudWatch namespace of this function's metrics (METRICS_NAMESPACE, default {@link Metrics#DEFAULT_NAMESPACE});
     * a malformed one is noted as a problem of {@code config}. Functions not behind the API (stream and event
     * consumers) call it too, then {@link Metrics#enable} once their configuration validated.
     */
    public static String metricsNamespace(Config config) {
        String namespace = config.optional(Config.METRICS_NAMESPACE, Metrics.DEFAULT_NAMESPACE);
        if (!namespace.matches("[A-Za-z0-9._/#:-]{1,255}") || namespace.startsWith("AWS/")) {
            config.problem(Config.METRICS_NAMESPACE + " must be a CloudWatch namespace (letters, digits and . _ / # : -, "
                    + "not starting with AWS/), got '" + namespace + "'");
        }
        return namespace;
    }

    public static App fromConfig(Config config, Set<Operation> operations, Function<Config, EmailGateway> emailFactory) {
        return fromConfig(config, operations, emailFactory, null);
    }

    public static App fromConfig(Config config, Set<Operation> operations, Function<Config, EmailGateway> emailFactory,
                                 Function<Config, EmailQueue> queueFactory) {
        return fromConfig(config, operations, emailFactory, queueFactory, null);
    }

    /**
     * As {@link #fromConfig(Config, Set, Function, Function)}, with the queue erasures' jobs go to ({@code erasureQueues}
     * reads {@link Config#ERASURE_QUEUE_URL}; built only for the operations that need it).
     */
    public static App fromConfig(Config config, Set<Operation> operations, Function<Config, EmailGateway> emailFactory,
                                 Function<Config, EmailQueue> queueFactory,
                                 Function<Config, io.roominvites.service.Erasures.Queue> erasureQueues) {
        return fromConfig(config, operations, emailFactory, queueFactory, erasureQueues, null);
    }

    /** As {@link #fromEnvironment(Set, Function, Function)}, attaching each invitation's {@code invite.ics} (create). */
    public static App fromEnvironment(Set<Operation> operations, Function<Config, EmailGateway> emailFactory,
                                      Function<Config, EmailQueue> queueFactory, io.roominvites.calendar.CalendarWriter calendar) {
        return fromConfig(Config.fromEnvironment(), operations, emailFactory, queueFactory, null, calendar);
    }

    /** A function's app whose operations write calendar files with {@code calendar} (the redeem function's). */
    public static App fromEnvironmentWithCalendar(Set<Operation> operations, io.roominvites.calendar.CalendarWriter calendar) {
        return fromConfig(Config.fromEnvironment(), operations, null, null, null, calendar);
    }

    private static App fromConfig(Config config, Set<Operation> operations, Function<Config, EmailGateway> emailFactory,
                                  Function<Config, EmailQueue> queueFactory,
                                  Function<Config, io.roominvites.service.Erasures.Queue> erasureQueues,
                                  io.roominvites.calendar.CalendarWriter calendar) {
        boolean needsStore = !KEY_DOCUMENTS.containsAll(operations);
        boolean needsKeys = Operation.anyNeeds(operations, Operation.Needs.KEYS);
        boolean needsCallers = needsStore;
        String table = needsStore ? config.required(Config.TABLE_NAME, "the DynamoDB table") : null;
        String issuer = config.optional(Config.TOKEN_ISSUER, "room-invites");
        if (operations.contains(Operation.OPENID_CONFIGURATION)) {
            String problem = Discovery.problem(config.raw(Config.TOKEN_ISSUER));
            if (problem != null) {
                config.problem(Config.TOKEN_ISSUER + " " + problem + " (the OpenID issuer: the public base URL the API is served under)");
            }
        }
        String audience = config.optional(Config.ACCESS_TOKEN_AUDIENCE, "rooms");
        int accessTtl = config.integer(Config.ACCESS_TOKEN_TTL_MINUTES, 60, 1, 1440);
        int settingsAge = config.integer(Config.SETTINGS_CACHE_SECONDS, 30, 0, 3600);
        String secretId = config.raw(Config.SIGNING_KEY_SECRET_ID);
        String keysJson = config.raw(Config.SIGNING_KEYS_JSON);
        if (needsKeys && secretId == null && keysJson == null) {
            config.problem(Config.SIGNING_KEY_SECRET_ID + " is not set (the Secrets Manager secret holding the signing keys; "
                    + Config.SIGNING_KEYS_JSON + " may hold them directly for local use)");
        }
        var jwksUrl = needsCallers ? config.url(Config.IDP_JWKS_URL, "the identity provider's JWKS URL") : null;
        String idpIssuer = needsCallers ? config.required(Config.IDP_ISSUER, "the identity provider's issuer") : null;
        String idpAudience = needsCallers ? config.required(Config.IDP_AUDIENCE, "the audience of the site's tokens") : null;
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        for (String a : config.list(Config.IDP_ALGORITHMS).isEmpty() ? Set.of("RS256") : config.list(Config.IDP_ALGORITHMS)) {
            JWSAlgorithm alg = JWSAlgorithm.parse(a);
            if (!JWSAlgorithm.Family.RSA.contains(alg) && !JWSAlgorithm.Family.EC.contains(alg)) {
                config.problem(Config.IDP_ALGORITHMS + " may list only RSA or EC signature algorithms (got '" + a + "')");
            }
            algorithms.add(alg);
        }
        Set<String> origins = config.list(Config.CORS_ALLOWED_ORIGINS);
        String metricsNamespace = metricsNamespace(config);
        // the email gateway reads and validates its own variables here, so one message names every problem
        EmailGateway email = emailFactory == null || !Operation.anyNeeds(operations, Operation.Needs.EMAIL)
                ? EmailGateway.NONE : emailFactory.apply(config);
        EmailQueue emailQueue = queueFactory == null || !operations.contains(Operation.BULK_CREATE_INVITES)
                ? null : queueFactory.apply(config);
        io.roominvites.service.Erasures.Queue erasureQueue = erasureQueues == null
                || !Operation.anyNeeds(operations, Operation.Needs.ERASURE_QUEUE) ? null : erasureQueues.apply(config);
        config.validate();

        Metrics.enable(metricsNamespace);
        Clock clock = Clock.systemUTC();
        Parts parts = new Parts();
        parts.clock = clock;
        parts.issuer = issuer;
        parts.accessAudience = audience;
        parts.accessTokenTtl = Duration.ofMinutes(accessTtl);
        parts.settingsMaxAge = Duration.ofSeconds(settingsAge);
        parts.cors = new Cors(origins);
        // the signing keys (a Secrets Manager round trip, then deriving the keys) load on a second thread while
        // this one builds the DynamoDB client: the network wait and the key maths overlap the SDK's start-up
        FutureTask<KeyRing> keys = null;
        if (needsKeys) {
            keys = new FutureTask<>(() -> SigningKeys.fromSecret(keysJson != null ? keysJson : AwsClients.secretString(secretId)));
            Thread.ofPlatform().name("init-signing-keys").daemon().start(keys);
        }
        if (needsStore) {
            DynamoDbClient db = AwsClients.dynamoDb();
            parts.store = new DynamoInviteStore(db, table);
        }
        if (needsCallers) {
            parts.callers = CallerVerifier.remote(jwksUrl, idpIssuer, idpAudience, algorithms, clock);
        }
        if (keys != null) {
            parts.keys = join(keys);
        }
        parts.email = email;
        parts.emailQueue = emailQueue;
        parts.erasureQueue = erasureQueue;
        parts.calendar = calendar;
        return new App(parts, operations);
    }

    /** The task's result, or its own exception as if it had run on this thread. */
    private static <T> T join(FutureTask<T> task) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the signing keys");
        }
    }

    public Router router() {
        return router;
    }

    public InviteService invites() {
        return invites;
    }

    /** Erasures of a person's data: the admin routes start them, the erasure queue's consumer runs them. */
    public io.roominvites.service.Erasures erasures() {
        return erasures;
    }

    /**
     * What follows room and invite changes for the invitees' mailboxes (calendar updates and cancellations, reminders):
     * the stream consumer's triggers and the follow-up queue's fan-out; null where no follow-up queue is configured.
     */
    public io.roominvites.service.FollowUps followUps() {
        return followUps;
    }

    /**
     * The follow-ups over the table, handing their email jobs to {@code emailQueues}' queue and their fan-outs to
     * {@code followUpQueues}'; reminders scheduled by {@code schedules} (null: none scheduled, as in the fan-out
     * function, which only reads them). No keys, no identity provider. Fails fast like {@link #fromConfig}.
     */
    public static io.roominvites.service.FollowUps followUpsFromConfig(Config config, Function<Config, EmailQueue> emailQueues,
                                                                       Function<Config, io.roominvites.service.FollowUps.Queue> followUpQueues,
                                                                       Function<Config, io.roominvites.schedule.ReminderSchedules> schedules) {
        String table = config.required(Config.TABLE_NAME, "the DynamoDB table");
        config.required(Config.EMAIL_QUEUE_URL, "the email queue's URL");
        config.required(Config.FOLLOW_UP_QUEUE_URL, "the follow-up queue's URL");
        int settingsAge = config.integer(Config.SETTINGS_CACHE_SECONDS, 30, 0, 3600);
        String metricsNamespace = metricsNamespace(config);
        EmailQueue emailQueue = emailQueues.apply(config);
        io.roominvites.service.FollowUps.Queue followUpQueue = followUpQueues.apply(config);
        io.roominvites.schedule.ReminderSchedules reminderSchedules = schedules == null ? null : schedules.apply(config);
        config.validate();
        Metrics.enable(metricsNamespace);
        Parts parts = new Parts();
        parts.settingsMaxAge = Duration.ofSeconds(settingsAge);
        parts.store = new DynamoInviteStore(AwsClients.dynamoDb(), table);
        parts.emailQueue = emailQueue;
        parts.followUpQueue = followUpQueue;
        parts.reminderSchedules = reminderSchedules;
        return new App(parts, EnumSet.noneOf(Operation.class)).followUps();
    }

    /** The sender of queued emails (the email queue's consumer). */
    public QueuedEmails queuedEmails() {
        return queuedEmails;
    }

    public Parts parts() {
        return parts;
    }

    /** New random state after a SnapStart restore. */
    public void afterRestore() {
        parts.ids.reseed();
        settings.invalidate(); // no settings (or their load time) carried across a restore
    }

    /** What an app is made of; fields are set by whoever assembles it (functions, local runner, tests). */
    public static final class Parts {
        public io.roominvites.store.InviteStore store;
        public KeyRing keys;
        public CallerVerifier callers;
        public EmailGateway email = EmailGateway.NONE;
        /** Where bulk emails go to be sent after the answer; null sends them all within the request. */
        public EmailQueue emailQueue;
        /** Writes calendar files (the calendar module's); null: none are offered (503 with a sentence). */
        public io.roominvites.calendar.CalendarWriter calendar;
        /** Where erasures' jobs go; null: erasure is not offered here (503 with a sentence). */
        public io.roominvites.service.Erasures.Queue erasureQueue;
        /** Where follow-up fan-outs go (calendar updates, cancellations, reminders); null: no follow-ups here. */
        public io.roominvites.service.FollowUps.Queue followUpQueue;
        /** What schedules reminders; null: none are scheduled here. */
        public io.roominvites.schedule.ReminderSchedules reminderSchedules;
        /** How long one fan-out goes on before it hands the rest back to its queue. */
        public Duration followUpBudget = Duration.ofSeconds(60);
        /** How long one run of an erasure's job goes on before it hands the rest over again. */
        public Duration erasureBudget = Duration.ofSeconds(60);
        public Clock clock = Clock.systemUTC();
        public Ids ids = new Ids();
        public String issuer = "room-invites";
        public String accessAudience = "rooms";
        public Duration accessTokenTtl = Duration.ofMinutes(60);
        public Duration settingsMaxAge = Duration.ofSeconds(30);
        public Cors cors = new Cors(Set.of());
        public Map<Operation, Router.Handler> extraHandlers = new java.util.EnumMap<>(Operation.class);
    }
}
