package io.roominvites.local;

import io.roominvites.email.EmailGateway;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import org.eclipse.jetty.server.Request;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Chooses the local runner's email backend and creates the default invitation template in it at start-up:
 * <ul>
 *   <li>by default a local outbox ({@link OutboxEmailGateway}): every email is rendered as SES would and
 *       kept as an {@code .eml} file in {@code LOCAL_OUTBOX_DIR} (default {@code $LOCAL_DATA_DIR/outbox},
 *       else {@code ./outbox}), listed at {@code /dev/outbox};
 *   <li>when {@code AWS_ENDPOINT_URL_SESV2} or {@code AWS_ENDPOINT_URL} is set, SES v2 at that endpoint
 *       (aws-ses-v2-local, say) through the same {@link SesEmailGateway} the Lambda uses.
 * </ul>
 * {@code EMAIL_FROM} and {@code EMAIL_CONFIGURATION_SET} apply to both, as in the functions.
 */
public final class LocalEmail {
    static final String DEFAULT_TEMPLATE = EmailTemplate.DEFAULT_NAME;
    static final String DEFAULT_FROM = "Room Invites <invites@room-invites.local>";

    private LocalEmail() {
    }

    /** The backend for this environment, with the default template created in it. */
    public static EmailGateway choose(String base, Map<String, String> env) {
        String from = value(env, "EMAIL_FROM", DEFAULT_FROM);
        EmailTemplate template = EmailTemplate.defaultInvitation();
        String endpoint = value(env, "AWS_ENDPOINT_URL_SESV2", value(env, "AWS_ENDPOINT_URL", null));
        if (endpoint != null) {
            URI uri = URI.create(endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
            SesV2Client client = SesEmailGateway.clientBuilder()
                    .endpointOverride(uri)
                    .region(Region.of(value(env, "AWS_REGION", value(env, "AWS_DEFAULT_REGION", "us-east-1"))))
                    .credentialsProvider(credentials(env))
                    .build();
            String note;
            try {
                note = SesEmailGateway.ensureTemplate(client, template)
                        ? "created template " + template.name()
                        : "template " + template.name() + " already there";
                for (EmailTemplate followUp : EmailTemplate.defaults().subList(1, EmailTemplate.defaults().size())) {
                    SesEmailGateway.ensureTemplate(client, followUp);
                }
            } catch (SdkException e) {
                note = "could not create template " + template.name() + " yet (" + e.getClass().getSimpleName()
                        + "); \"Send link via email\" is offered once it exists";
            }
            System.out.println("Email: SES v2 at " + uri + " (" + note + ")");
            // a short cache: a developer creating or deleting templates sees it within seconds
            SesEmailGateway ses = new SesEmailGateway(client, from, env.get("EMAIL_CONFIGURATION_SET"),
                    Duration.ofSeconds(5), Clock.systemUTC());
            return new ViaEndpoint(ses, uri);
        }
        Path dir = Path.of(value(env, "LOCAL_OUTBOX_DIR", env.get("LOCAL_DATA_DIR") == null || env.get("LOCAL_DATA_DIR").isBlank()
                ? "outbox" : Path.of(env.get("LOCAL_DATA_DIR"), "outbox").toString()));
        OutboxEmailGateway outbox = new OutboxEmailGateway(dir, from);
        for (EmailTemplate t : EmailTemplate.defaults()) {
            outbox.putTemplate(t);
        }
        System.out.println("Email: local outbox, files in " + outbox.dir() + ", listed at " + base + OutboxRoutes.PATH
                + " (template " + template.name() + " and its follow-ups created)");
        return outbox;
    }

    /**
     * {@code /dev/outbox} on the runner's server: the outbox's pages, or where the SES endpoint is. The handler answers
     * false for any other path (and for another backend).
     */
    public static Request.Handler routes(EmailGateway email) {
        OutboxRoutes routes = email instanceof OutboxEmailGateway outbox ? OutboxRoutes.forOutbox(outbox)
                : email instanceof ViaEndpoint via ? OutboxRoutes.forSesEndpoint(via.endpoint()) : null;
        return (request, response, callback) -> routes != null && OutboxRoutes.owns(Request.getPathInContext(request))
                && routes.handle(request, response, callback);
    }

    private static AwsCredentialsProvider credentials(Map<String, String> env) {
        if (value(env, "AWS_ACCESS_KEY_ID", null) != null || value(env, "AWS_PROFILE", null) != null) {
            return DefaultCredentialsProvider.builder().build();
        }
        // emulators accept any signature; no reason to search profiles or the instance metadata service
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    private static String value(Map<String, String> env, String name, String otherwise) {
        String v = env.get(name);
        return v == null || v.isBlank() ? otherwise : v.trim();
    }

    /** The SES gateway, remembering the endpoint for {@code /dev/outbox}. */
    public record ViaEndpoint(SesEmailGateway ses, URI endpoint) implements EmailGateway {
        @Override
        public boolean templateExists(String templateName) {
            return ses.templateExists(templateName);
        }

        @Override
        public SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
            return ses.send(to, templateName, templateData);
        }

        @Override
        public SendOutcome send(String to, String templateName, Map<String, Object> templateData,
                                java.util.List<Attachment> attachments) {
            return ses.send(to, templateName, templateData, attachments);
        }
    }
}
