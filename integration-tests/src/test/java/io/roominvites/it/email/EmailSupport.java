package io.roominvites.it.email;

import com.sun.net.httpserver.HttpServer;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.it.support.Service;
import io.roominvites.local.FreePorts;
import io.roominvites.testing.Backend;
import io.roominvites.testing.Backends;
import io.roominvites.testing.StoredEmail;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the email tests share: SES clients on a backend, fault injection, captured requests, a movable clock. */
final class EmailSupport {
    /** docs/api.md, "Email template data": exactly these names, every send. */
    static final Set<String> CONTRACT_DATA = Set.of("firstName", "lastName", "roomTitle", "roomDescription", "startsAt",
            "startsAtText", "roleLabel", "permissions", "inviterName", "expiresAt", "expiresAtText", "inviteLink", "accessCode",
            "locale", "timeZone", "startsAtLocalText", "expiresAtLocalText");
    static final String FROM = "invites@example.com";
    static final Pattern LINK = Pattern.compile("https://events\\.example\\.com/join#invite=[A-Za-z0-9._-]+");

    private EmailSupport() {
    }

    /** An SES v2 client for the backend, built like the Lambda's (bounded retries, URL-connection client). */
    static SesV2Client sesClient(Backend backend, ExecutionInterceptor... interceptors) {
        return SesEmailGateway.clientBuilder(interceptors)
                .endpointOverride(backend.sesEndpoint())
                .region(backend.region())
                .credentialsProvider(backend.credentials())
                .build();
    }

    /**
     * Aborts (every test of the class is reported SKIPPED) where the backend has no SES v2: LocalStack
     * Community implements SES v1 only.
     */
    static void requireSesV2(Backend backend, SesV2Client ses) {
        try {
            ses.listEmailTemplates(b -> b.pageSize(1));
        } catch (SdkServiceException e) {
            Assumptions.abort(backend.name() + " backend skipped for the email tests: it answered SES v2 ListEmailTemplates with HTTP "
                    + e.statusCode() + ". LocalStack serves SES v2 only in the Pro image: set LOCALSTACK_AUTH_TOKEN"
                    + " (the testing module then starts localstack/localstack-pro:4.4).");
        }
    }

    /** Creates the template unless it exists; makes the sender acceptable (LocalStack, like SES, verifies senders). */
    static void prepare(Backend backend, SesV2Client ses, EmailTemplate template) {
        backend.verifySender(FROM);
        SesEmailGateway.ensureTemplate(ses, template);
    }

    /**
     * The email test classes' SES client ({@link #sesClient}), once the backend has proved it serves SES v2
     * ({@link #requireSesV2}) and has the default template and the sender ({@link #prepare}).
     */
    static SesV2Client preparedSesClient(Backend backend, ExecutionInterceptor... interceptors) {
        SesV2Client ses = sesClient(backend, interceptors);
        requireSesV2(backend, ses);
        prepare(backend, ses, EmailTemplate.defaultInvitation());
        return ses;
    }

    // ------------------------------------------------------------------ the routes, as the room's owner

    /** The owner's bearer token, with the name the emails give as the inviter ("Olivia Owner"). */
    /** The service emailing through {@code ses} as the functions do (template existence cached 60 s). */
    static Service serviceOn(Backend backend, SesV2Client ses) {
        return new Service(backend, new io.roominvites.email.ses.SesEmailGateway(ses, FROM, null,
                java.time.Duration.ofSeconds(60), java.time.Clock.systemUTC()));
    }

    static String ownerToken(Service service) {
        return service.token(Service.OWNER, "Olivia", "Owner");
    }

    /** POST /rooms/{room}/invites as the owner, for Gia Guest as a VIEWER (the status is the caller's to check). */
    static Service.Response createInvite(Service service, String room, String to, boolean sendEmail) {
        return service.call("POST", "/rooms/" + room + "/invites", ownerToken(service),
                Service.inviteBody(to, "Gia", "Guest", "VIEWER", sendEmail));
    }

    /** POST /rooms/{room}/invites/{inviteId}/resend as the owner. */
    static Service.Response resend(Service service, String room, String inviteId) {
        return service.call("POST", "/rooms/" + room + "/invites/" + inviteId + "/resend", ownerToken(service), null);
    }

    /** Whether GET /rooms/{room}/invite-options offers sending email (sendEmailAvailable is true). */
    static boolean sendEmailAvailable(Service service, String room) {
        return Boolean.TRUE.equals(service.call("GET", "/rooms/" + room + "/invite-options", ownerToken(service), null)
                .expect(200).json().get("sendEmailAvailable"));
    }

    static String uniqueEmail(String prefix) {
        return Backends.uniqueName(prefix) + "@example.org";
    }

    /** The emails the backend accepted for this address. */
    static List<StoredEmail> mailTo(Backend backend, String address) {
        return backend.sentEmails().stream().filter(e -> e.isAddressedTo(address)).toList();
    }

    static String linkIn(String body) {
        Matcher m = LINK.matcher(body);
        if (!m.find()) {
            throw new AssertionError("no invitation link in:\n" + body);
        }
        return m.group();
    }

    /** The {@code inv} claim of a link's token: which invitation it opens (each issue has its own iat). */
    static String inviteClaim(String link) {
        try {
            return (String) io.roominvites.json.Json.parseObject(Service.jwsPayload(Service.tokenOf(link))).get("inv");
        } catch (java.text.ParseException e) {
            throw new AssertionError("not a JWS: " + link, e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> emailDelivery(Service.Response r) {
        return (Map<String, Object>) r.obj("invite").get("emailDelivery");
    }

    // ------------------------------------------------------------------ interceptors

    /** Records every SES request the client makes (the SDK model objects, so tests can read TemplateData). */
    static final class Capture implements ExecutionInterceptor {
        private final List<SdkRequest> requests = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            requests.add(context.request());
        }

        void reset() {
            requests.clear();
        }

        List<SendEmailRequest> sends() {
            synchronized (requests) {
                return requests.stream().filter(SendEmailRequest.class::isInstance).map(SendEmailRequest.class::cast).toList();
            }
        }

        List<String> operations() {
            synchronized (requests) {
                return requests.stream().map(r -> r.getClass().getSimpleName().replace("Request", "")).toList();
            }
        }
    }

    /**
     * Disturbs SendEmail only: sends it to a local responder answering like throttled or rejecting SES,
     * or to a port nobody listens on. The real request never reaches the backend, so nothing is stored there.
     */
    static final class Faults implements ExecutionInterceptor, AutoCloseable {
        enum Mode { NONE, THROTTLE, REJECT, UNREACHABLE }

        private volatile Mode mode = Mode.NONE;
        private final AtomicInteger disturbed = new AtomicInteger();
        private final HttpServer responder;
        private final int closedPort;

        Faults() {
            try {
                responder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            closedPort = FreePorts.pick();
            responder.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    disturbed.incrementAndGet();
                    boolean throttle = mode == Mode.THROTTLE;
                    byte[] body = (throttle ? "{\"message\":\"Maximum sending rate exceeded.\"}"
                            : "{\"message\":\"Email address is not verified. The following identities failed the check in region US-EAST-1: x@example.org\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.getResponseHeaders().set("x-amzn-ErrorType", throttle ? "TooManyRequestsException" : "MessageRejected");
                    exchange.sendResponseHeaders(throttle ? 429 : 400, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            responder.start();
        }

        void set(Mode m) {
            mode = m;
            disturbed.set(0);
        }

        /** How many SendEmail attempts reached the responder since the last {@link #set}. */
        int attempts() {
            return disturbed.get();
        }

        @Override
        public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            Mode m = mode;
            if (m == Mode.NONE || !"SendEmail".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                return context.httpRequest();
            }
            int port = m == Mode.UNREACHABLE ? closedPort : responder.getAddress().getPort();
            return context.httpRequest().toBuilder().protocol("http").host("127.0.0.1").port(port).build();
        }

        @Override
        public void close() {
            responder.stop(0);
        }
    }

    /** Deletes a template; a missing one is fine. */
    static void deleteTemplate(SesV2Client ses, String name) {
        try {
            ses.deleteEmailTemplate(b -> b.templateName(name));
        } catch (SdkServiceException e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
    }
}
