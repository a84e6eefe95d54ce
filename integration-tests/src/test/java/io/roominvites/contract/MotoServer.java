package io.roominvites.contract;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code moto_server} (moto 5.2.1) as a subprocess on a free 127.0.0.1 port, for the life of one test class: a second,
 * independent AWS. It runs with moto's IAM checks on ({@code INITIAL_NO_AUTH_ACTION_COUNT}): the first {@value
 * #UNAUTHENTICATED_ACTIONS} calls create an IAM user and its access key, and from then on every request must carry a
 * SigV4 signature moto recomputes with that key's secret (a wrong one is refused with 403 SignatureDoesNotMatch), so
 * the functions' own signing (the SDK's, and SignedJsonCall's for Secrets Manager and SQS) is checked.
 */
final class MotoServer implements AutoCloseable {
    static final Region REGION = Region.US_EAST_1;
    /** moto's default account: its ARNs and queue URLs carry it. */
    static final String ACCOUNT = "123456789012";
    private static final int UNAUTHENTICATED_ACTIONS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final URI endpoint;
    private final Path log;
    private AwsBasicCredentials credentials;

    private MotoServer(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** moto_server: -Dmoto.server, else $MOTO_SERVER, else the PATH's; null when there is none. */
    static String executable() {
        return PythonTools.executable("moto.server", "MOTO_SERVER", "moto_server");
    }

    /** Starts moto_server (up to 3 ports, in case another process takes the free one first) and its IAM user. */
    static MotoServer start(String executable, Path logDir) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path log = logDir.resolve("moto_server-" + port + ".log");
            ProcessBuilder pb = new ProcessBuilder(executable, "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("INITIAL_NO_AUTH_ACTION_COUNT", Integer.toString(UNAUTHENTICATED_ACTIONS));
            pb.environment().put("PYTHONUNBUFFERED", "1");
            MotoServer moto = new MotoServer(pb.start(), URI.create("http://127.0.0.1:" + port), log);
            try {
                moto.awaitReady();
                moto.createCaller();
                return moto;
            } catch (IOException e) {
                moto.close();
                last = e;
            }
        }
        throw last;
    }

    /** Waits until moto answers its own API (which does not count as an action). */
    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("moto_server ended (exit " + process.exitValue() + ") before answering:\n" + logTail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).timeout(Duration.ofSeconds(2))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("moto_server did not answer on " + endpoint + " within " + START_TIMEOUT.toSeconds() + " s:\n" + logTail());
    }

    /** The IAM user every later call signs as (allowed everything: the roles are SamContractTest's business). */
    private void createCaller() {
        try (IamClient iam = configure(IamClient.builder(), AwsBasicCredentials.create("bootstrap", "bootstrap"))
                .region(Region.AWS_GLOBAL).build()) {
            iam.createUser(b -> b.userName("room-invites-functions"));
            iam.putUserPolicy(b -> b.userName("room-invites-functions").policyName("everything").policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
            AccessKey key = iam.createAccessKey(b -> b.userName("room-invites-functions")).accessKey();
            credentials = AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
        }
    }

    URI endpoint() {
        return endpoint;
    }

    /** The access key moto checks every signature with. */
    AwsBasicCredentials credentials() {
        return credentials;
    }

    /** An SDK client builder pointed at moto, signing with {@link #credentials()}. */
    <B extends AwsClientBuilder<B, C>, C> B client(B builder) {
        return configure(builder, credentials).region(REGION);
    }

    private <B extends AwsClientBuilder<B, C>, C> B configure(B builder, AwsBasicCredentials as) {
        builder.endpointOverride(endpoint).credentialsProvider(StaticCredentialsProvider.create(as));
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClient(UrlConnectionHttpClient.create());
        }
        return builder;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        // the PATH's moto_server may be a pyenv shim whose python is a child: stop the whole tree, only ours
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        FunctionProcess.awaitOrKill(process, 5);
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
