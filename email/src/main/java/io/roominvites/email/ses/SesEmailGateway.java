package io.roominvites.email.ses;

import io.roominvites.app.AwsClients;
import io.roominvites.app.Config;
import io.roominvites.email.EmailGateway;
import io.roominvites.http.Json;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link EmailGateway} on SES v2 stored templates ({@code SendEmail} with {@code Content.Template}). */
public final class SesEmailGateway implements EmailGateway {
    private final SesV2Client ses;
    private final String from;
    private final String configurationSet;
    private final Duration templateCacheAge;
    private final Clock clock;
    private final Map<String, Cached> templates = new ConcurrentHashMap<>();

    private record Cached(boolean exists, Instant at) {
    }

    public SesEmailGateway(SesV2Client ses, String from, String configurationSet, Duration templateCacheAge, Clock clock) {
        this.ses = ses;
        this.from = from;
        this.configurationSet = configurationSet;
        this.templateCacheAge = templateCacheAge;
        this.clock = clock;
    }

    /** Reads EMAIL_FROM (required), EMAIL_CONFIGURATION_SET and EMAIL_TEMPLATE_CACHE_SECONDS. */
    public static EmailGateway fromConfig(Config config) {
        String from = config.required(Config.EMAIL_FROM, "the verified sender address of invitation emails");
        String set = config.raw(Config.EMAIL_CONFIGURATION_SET);
        int age = config.integer(Config.EMAIL_TEMPLATE_CACHE_SECONDS, 60, 0, 3600);
        config.validate();
        SesV2Client client = SesV2Client.builder().httpClient(AwsClients.httpClient()).build();
        return new SesEmailGateway(client, from, set, Duration.ofSeconds(age), Clock.systemUTC());
    }

    @Override
    public boolean templateExists(String templateName) {
        Instant now = clock.instant();
        Cached c = templates.get(templateName);
        if (c != null && now.isBefore(c.at.plus(templateCacheAge))) {
            return c.exists;
        }
        boolean exists;
        try {
            ses.getEmailTemplate(b -> b.templateName(templateName));
            exists = true;
        } catch (NotFoundException e) {
            exists = false;
        } catch (RuntimeException e) {
            // SES unreachable: don't offer sending we can't check; don't cache the failure
            return false;
        }
        templates.put(templateName, new Cached(exists, now));
        return exists;
    }

    @Override
    public SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
        try {
            SendEmailResponse r = ses.sendEmail(b -> {
                b.fromEmailAddress(from)
                        .destination(d -> d.toAddresses(to))
                        .content(c -> c.template(t -> t.templateName(templateName).templateData(Json.write(templateData))));
                if (configurationSet != null) {
                    b.configurationSetName(configurationSet);
                }
            });
            return SendOutcome.sent(r.messageId());
        } catch (RuntimeException e) {
            return SendOutcome.failed("The email could not be sent (" + e.getClass().getSimpleName()
                    + "). The invitation was created: copy the link, or try sending again.");
        }
    }
}
