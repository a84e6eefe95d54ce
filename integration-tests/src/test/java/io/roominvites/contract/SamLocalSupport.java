package io.roominvites.contract;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import io.roominvites.store.dynamo.TableSetup;
import io.roominvites.tokens.LocalIdentityProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What `sam local invoke` needs beside DynamoDB Local, for developers (docs/deploy.md) and for
 * {@link SamContractTest} alike: a local identity provider whose JWKS the functions fetch (IDP_JWKS_URL) and
 * bearer tokens for the three callers the events use, plus the table created as the store expects it.
 *
 * <pre>
 * mvn -q -pl integration-tests test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.roominvites.contract.SamLocalSupport \
 *     -Dexec.args="--dynamodb http://localhost:8000"
 * </pre>
 *
 * It prints {@code export ADMIN_TOKEN=... OWNER_TOKEN=... INVITEE_TOKEN=...} (also written to
 * {@code target/sam-local/tokens.env}) and serves {@code /jwks.json} until stopped. Local use only: the keys
 * are generated at start and live in memory.
 */
public final class SamLocalSupport implements AutoCloseable {
    public static final String ADMIN_EMAIL = "admin@example.com";
    public static final String OWNER_EMAIL = "owner@example.com";
    public static final String INVITEE_EMAIL = "gia.guest@example.org";
    public static final String JWKS_PATH = "/jwks.json";

    private final HttpServer server;
    private final LocalIdentityProvider idp;

    private SamLocalSupport(HttpServer server, LocalIdentityProvider idp) {
        this.server = server;
        this.idp = idp;
    }

    /** Starts the identity provider's JWKS endpoint on {@code bind:port} (port 0 picks a free one). */
    public static SamLocalSupport start(InetAddress bind, int port, String issuer, String audience) throws IOException {
        LocalIdentityProvider idp = new LocalIdentityProvider(issuer, audience, Clock.systemUTC());
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        byte[] jwks = idp.publicJwksJson().getBytes(StandardCharsets.UTF_8);
        server.createContext(JWKS_PATH, exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(jwks);
                }
            }
        });
        server.start();
        return new SamLocalSupport(server, idp);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The JWKS URL as seen from this machine. */
    public URI jwksUrl() {
        return URI.create("http://127.0.0.1:" + port() + JWKS_PATH);
    }

    /** ADMIN_TOKEN (site admin), OWNER_TOKEN (the room's owner), INVITEE_TOKEN (the invited person), 12 h each. */
    public Map<String, String> tokens() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("ADMIN_TOKEN", idp.mint(ADMIN_EMAIL, "Site", "Admin", true, Duration.ofHours(12)));
        t.put("OWNER_TOKEN", idp.mint(OWNER_EMAIL, "Olivia", "Owner", false, Duration.ofHours(12)));
        t.put("INVITEE_TOKEN", idp.mint(INVITEE_EMAIL, "Gia", "Guest", false, Duration.ofHours(12)));
        return t;
    }

    /** Credentials of every local client: DynamoDB Local keeps one database per access key unless run with -sharedDb. */
    public static final String LOCAL_ACCESS_KEY = "local";

    /** A client for a local DynamoDB endpoint, with the same credentials the functions get locally. */
    public static DynamoDbClient dynamoDb(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCAL_ACCESS_KEY, LOCAL_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Creates the table exactly as the store's TableSetup does (keys, the status index, TTL). */
    public static void createTable(URI dynamoDbEndpoint, String table) {
        try (DynamoDbClient db = dynamoDb(dynamoDbEndpoint)) {
            TableSetup.create(db, table);
        }
    }

    /** The "Parameters" section of an env.json (values sam local gives every function that declares the name). */
    public static Map<String, Object> envParameters(Path envJson) throws IOException, java.text.ParseException {
        Map<String, Object> env = JSONObjectUtils.parse(Files.readString(envJson));
        Object p = env.get("Parameters");
        return p instanceof Map<?, ?> ? JSONObjectUtils.getJSONObject(env, "Parameters") : Map.of();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        Path envJson = Path.of(opts.getOrDefault("--env", Files.exists(Path.of("events", "env.json"))
                ? "events/env.json" : "../events/env.json"));
        Map<String, Object> params = envParameters(envJson);
        String issuer = String.valueOf(params.get("IDP_ISSUER"));
        String audience = String.valueOf(params.get("IDP_AUDIENCE"));
        URI jwks = URI.create(String.valueOf(params.get("IDP_JWKS_URL")));
        int port = Integer.parseInt(opts.getOrDefault("--port", Integer.toString(jwks.getPort() > 0 ? jwks.getPort() : 9999)));
        InetAddress bind = InetAddress.getByName(opts.getOrDefault("--bind", "127.0.0.1"));
        if (opts.containsKey("--dynamodb")) {
            String table = opts.getOrDefault("--table", String.valueOf(params.get("TABLE_NAME")));
            createTable(URI.create(opts.get("--dynamodb")), table);
            System.out.println("# table " + table + " ready at " + opts.get("--dynamodb"));
        }
        SamLocalSupport support = start(bind, port, issuer, audience);
        StringBuilder exports = new StringBuilder();
        support.tokens().forEach((k, v) -> exports.append("export ").append(k).append('=').append(v).append('\n'));
        Path out = Path.of("target", "sam-local", "tokens.env");
        Files.createDirectories(out.getParent());
        Files.writeString(out, exports.toString());
        System.out.println("# local identity provider: JWKS on " + bind.getHostAddress() + ":" + port + JWKS_PATH
                + " (the functions fetch " + jwks + "), issuer " + issuer + ", audience " + audience);
        System.out.println("# tokens (valid 12 h, while this runs), also in " + out.toAbsolutePath() + ":");
        System.out.print(exports);
        Runtime.getRuntime().addShutdownHook(new Thread(support::close));
        new CountDownLatch(1).await();
    }
}
