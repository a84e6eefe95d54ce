package io.roominvites.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.roominvites.app.App;
import io.roominvites.email.EmailGateway;
import io.roominvites.http.Operation;
import io.roominvites.tokens.AccessGrant;
import io.roominvites.tokens.AccessTokens;
import io.roominvites.tokens.LinkTokens;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SnapStart priming. Lambda takes the snapshot after init; a CRaC {@code beforeCheckpoint} hook first runs
 * the function's real request path once, through the same {@link LambdaApi} entry point, so that a restored
 * snapshot already has those classes loaded and initialised (API Gateway event mapping, JSON, the router,
 * the link token's HMAC and the access token's ES256 signature, the AWS SDK's marshalling, signing and HTTP stack, error answers).
 *
 * <p>What priming may touch: nothing real. Its invite is {@value #ROOM}:{@value #INVITE}, and a room id with
 * {@code ~} can never exist (the API accepts only letters, digits, '-' and '_'). So its preview and its redeem
 * are each a BatchGetItem of the missing invite and room (the redeem stops there: nothing to write), a room read is a GetItem of a missing key, an email template check asks for a template of a
 * name no site uses, and a caller check with an unknown key id makes the identity provider's JWKS be
 * fetched. Priming never writes, never sends an email, and never fails the checkpoint: every step catches
 * its own failure, and after the first step that finds a backend unreachable the other network steps are
 * skipped (so an unreachable DynamoDB costs one bounded SDK call, not one per step).
 *
 * <p>{@code afterRestore} calls {@link App#afterRestore()}: fresh random state (the invite id generator is
 * reseeded), so no two restored containers share it. Nothing here keeps a timestamp or a random value; the
 * caches that priming fills (site settings, JWKS, the template check) keep their own load times and expire
 * by their documented maximum ages, counted from the load, whatever happened in between.
 */
public final class SnapStartPriming implements Resource {
    /** A room id the API can never create ({@code ~} is not allowed in room ids). */
    public static final String ROOM = "~snapstart-priming";
    public static final String INVITE = "00000000000000000000000000";
    static final String DEVICE = "snapstart-priming-device";
    static final String EMAIL = "priming@snapstart-priming.invalid";
    static final String TEMPLATE = "~snapstart-priming-no-such-template";
    static final String REQUEST_ID = "snapstart-priming";

    /** CRaC holds registered resources weakly: these strong references keep them for the container's life. */
    private static final List<SnapStartPriming> REGISTERED = new CopyOnWriteArrayList<>();

    private final App app;
    private final Set<Operation> operations;

    SnapStartPriming(App app, Set<Operation> operations) {
        this.app = app;
        this.operations = Set.copyOf(operations);
    }

    /**
     * Registers the priming of {@code app} for the operations its router serves with the global CRaC context
     * (a no-op outside a CRaC or SnapStart JVM); returns {@code app}, to be used in a handler's static init.
     */
    public static App register(App app) {
        SnapStartPriming priming = new SnapStartPriming(app, app.router().operations());
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
        return app;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime(app, operations);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        app.afterRestore();
    }

    /**
     * Runs the priming steps for these operations and tells what each did ({@code "step: outcome"}).
     * Never throws (short of the JVM running out of memory).
     */
    public static List<String> prime(App app, Set<Operation> operations) {
        // priming's requests are not traffic: no access lines (a log-based 4xx metric would count its 401s), and their
        // metrics are formatted (code loaded) but not written
        List<List<String>> done = new ArrayList<>(1);
        io.roominvites.metrics.Metrics.muted(() -> done.add(
                io.roominvites.logging.Log.withoutAccessLines(() -> new Run(app, operations).all())));
        return done.get(0);
    }

    /** One priming pass. */
    private static final class Run {
        private final App app;
        private final Set<Operation> operations;
        private final LambdaApi api;
        private final List<String> log = new ArrayList<>();
        private boolean offline;

        Run(App app, Set<Operation> operations) {
            this.app = app;
            this.operations = operations;
            this.api = new LambdaApi(app) {
            };
        }

        List<String> all() {
            App.Parts parts = app.parts();
            String link = step("sign and verify a link token", () -> {
                if (parts.keys == null) {
                    return null;
                }
                Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                LinkTokens links = new LinkTokens(parts.keys, parts.issuer);
                String token = links.issue(ROOM + ":" + INVITE, now.plus(1, ChronoUnit.HOURS), now);
                links.verify(token);
                new AccessTokens(parts.keys, parts.issuer, parts.accessAudience).issue(new AccessGrant(EMAIL, ROOM,
                        "VIEWER", List.of(), INVITE, DEVICE, now, now.plus(1, ChronoUnit.MINUTES)));
                return token;
            });
            if (operations.contains(Operation.PREVIEW_INVITE) && link != null) {
                request("preview (BatchGetItem of a missing invite and room)", "POST", "/invites/preview", null,
                        "{\"token\":\"" + link + "\",\"deviceId\":\"" + DEVICE + "\"}");
            }
            if (operations.contains(Operation.REDEEM_INVITE) && link != null) {
                request("redeem (BatchGetItem of a missing invite and room: nothing to write)", "POST", "/invites/redeem", null,
                        "{\"token\":\"" + link + "\",\"deviceId\":\"" + DEVICE + "\",\"email\":\"" + EMAIL + "\"}");
            }
            if (operations.contains(Operation.JWKS)) {
                request("JWKS document", "GET", "/.well-known/jwks.json", null, null);
            }
            for (Operation op : operations) {
                if (op != Operation.JWKS && op != Operation.PREVIEW_INVITE && op != Operation.REDEEM_INVITE
                        && !op.localOnly()) {
                    // the manager and admin routes without a token: routing, error answers, JSON
                    request(op.name() + " without a token (401)", op.method(),
                            op.pathTemplate().replace("{roomId}", "x").replace("{inviteId}", INVITE)
                                    .replace("{email}", "x@example.com"), null, op.method().equals("GET") ? null : "{}");
                }
            }
            if (parts.callers != null) {
                network("caller check with an unknown key id (fetches the identity provider's JWKS)", () -> {
                    try {
                        parts.callers.verify("Bearer " + unknownKeyToken());
                    } catch (RuntimeException expected) {
                        return expected.getClass().getSimpleName();
                    }
                    return "accepted?";
                });
            }
            if (parts.store != null && !operations.contains(Operation.PREVIEW_INVITE)) {
                network("room read (GetItem of a missing room)", () -> parts.store.findRoom(ROOM).isPresent()
                        ? "found?" : "missing, as expected");
            }
            if (parts.email != null && parts.email != EmailGateway.NONE) {
                network("email template check (GetEmailTemplate of a name no site uses)",
                        () -> "exists=" + parts.email.templateExists(TEMPLATE));
            }
            return log;
        }

        private void request(String what, String method, String path, String bearer, String body) {
            network(what, () -> {
                APIGatewayV2HTTPResponse r = api.handleRequest(event(method, path, bearer, body), null);
                if (r.getStatusCode() >= 500) {
                    offline = true; // SERVICE_UNAVAILABLE: a backend is unreachable; skip the other network steps
                }
                return "HTTP " + r.getStatusCode();
            });
        }

        private void network(String what, Step<String> step) {
            if (offline) {
                log.add(what + ": skipped (a backend was unreachable)");
                return;
            }
            if (step(what, step) == null) {
                offline = true; // failed: don't spend an SDK time-out on each of the next steps
            }
        }

        private <T> T step(String what, Step<T> step) {
            try {
                T result = step.run();
                log.add(what + ": " + (result == null ? "not needed" : result));
                return result;
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable e) {
                // priming is best effort: the snapshot must be taken even if a backend is down
                log.add(what + ": failed (" + e.getClass().getSimpleName() + ")");
                return null;
            }
        }
    }

    @FunctionalInterface
    private interface Step<T> {
        T run();
    }

    static APIGatewayV2HTTPEvent event(String method, String path, String bearer, String body) {
        return event(method, path, bearer, body, REQUEST_ID);
    }

    /** An API Gateway HTTP API (payload 2.0) event as the runtime hands it over; the benchmark builds its requests with it too. */
    public static APIGatewayV2HTTPEvent event(String method, String path, String bearer, String body, String requestId) {
        Map<String, String> headers = bearer == null ? Map.of("content-type", "application/json", "user-agent", requestId)
                : Map.of("content-type", "application/json", "user-agent", requestId, "authorization", "Bearer " + bearer);
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " " + path)
                .withRawPath(path)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(requestId)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method).withPath(path).withSourceIp("127.0.0.1").build())
                        .build())
                .build();
    }

    /** A well-formed RS256 JWT whose key id no identity provider has (its signature is never checked). */
    static String unknownKeyToken() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"snapstart-priming-unknown-kid\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"snapstart-priming\",\"sub\":\"snapstart-priming\",\"exp\":"
                + (Instant.now().getEpochSecond() + 60) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return header + "." + claims + "." + b64.encodeToString(new byte[256]);
    }
}
