package io.roominvites.email.ses;

import io.roominvites.aws.AwsClients;
import io.roominvites.aws.Config;
import io.roominvites.domain.Emails;
import io.roominvites.email.DeliveryFailure;
import io.roominvites.email.EmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.email.template.TemplateValues;
import io.roominvites.json.Json;
import io.roominvites.logging.Log;
import io.roominvites.metrics.Metrics;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.SesV2ClientBuilder;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sesv2.model.MailFromDomainNotVerifiedException;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link EmailGateway} on SES v2 stored templates: {@code SendEmail} with {@code Content.Template}
 * (the template named in the site settings, the data of docs/api.md made HTML-safe by
 * {@link TemplateValues}), and {@code GetEmailTemplate} for "does the template exist", cached per
 * container.
 *
 * <p>Time budget: at most {@value #MAX_ATTEMPTS} attempts per call (the SDK's standard retry strategy,
 * with its exponential back-off; throttling backs off longer), each attempt at most
 * {@link #ATTEMPT_TIMEOUT}, a send at most {@link #SEND_TIMEOUT} in all and a template lookup at most
 * {@link #LOOKUP_TIMEOUT}; so a create spends at most 7 s on SES (5 s when the template answer is cached, as it
 * nearly always is), inside the function's 10 s and well inside API Gateway's 30 s.
 *
 * <p>Errors go by HTTP status as well as by SES error code: aws-ses-v2-local answers errors without a
 * code the SDK maps (a 404 arrives as a plain {@code SesV2Exception}).
 *
 * <p>Logs mask the recipient ({@link Emails#mask}) and never contain the template data (the link and
 * its token are in it) nor provider error messages (they can quote addresses).
 */
public final class SesEmailGateway implements EmailGateway {
    public static final int MAX_ATTEMPTS = 3;

    /**
     * Retries only what SES certainly did not act on: throttling, 503 and a connection that was never made. Not a
     * time-out or a 500 after the request was sent: SendEmail is not idempotent, and SES may have sent the email (a
     * retry there emailed the invitee two or three times for one request). Such a send answers FAILED; the manager's
     * resend is the deliberate retry.
     */
    static final software.amazon.awssdk.retries.api.RetryStrategy SEND_SAFE_RETRIES = sendSafeRetries(
            software.amazon.awssdk.retries.api.BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofMillis(500)),
            software.amazon.awssdk.retries.api.BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(1)));

    /** {@link #SEND_SAFE_RETRIES} with other pauses between attempts (tests retry at once). */
    public static software.amazon.awssdk.retries.api.RetryStrategy sendSafeRetries(
            software.amazon.awssdk.retries.api.BackoffStrategy backoff,
            software.amazon.awssdk.retries.api.BackoffStrategy throttlingBackoff) {
        return software.amazon.awssdk.retries.StandardRetryStrategy.builder()
                .circuitBreakerEnabled(false)
                .maxAttempts(MAX_ATTEMPTS)
                .retryOnException(SesEmailGateway::certainlyNotProcessed)
                .treatAsThrottling(t -> t instanceof software.amazon.awssdk.core.exception.SdkServiceException e
                        && (e.isThrottlingException() || e.statusCode() == 429))
                .backoffStrategy(backoff)
                .throttlingBackoffStrategy(throttlingBackoff)
                // not the SDK's defaults on top (they retry any I/O error, a time-out after sending included)
                .useClientDefaults(false)
                .build();
    }

    static boolean certainlyNotProcessed(Throwable t) {
        if (t instanceof software.amazon.awssdk.core.exception.SdkServiceException e) {
            return e.isThrottlingException() || e.statusCode() == 429 || e.statusCode() == 503;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.ConnectException) {
                return true; // never reached SES
            }
        }
        return false;
    }
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(2500);
    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);
    /** After a failed lookup, the last answer (or "available" when there is none) is kept this long. */
    static final Duration RECHECK_AFTER_ERROR = Duration.ofSeconds(5);

    private static final Set<String> THROTTLING_CODES = Set.of("TooManyRequestsException", "Throttling",
            "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "LimitExceededException");
    private static final Set<String> NOT_ALLOWED_CODES = Set.of("AccountSuspendedException", "SendingPausedException",
            "MailFromDomainNotVerifiedException", "AccessDeniedException", "AccessDenied", "NotAuthorized",
            "UnrecognizedClientException", "InvalidSignatureException");

    private final java.util.function.Supplier<SesV2Client> ses;
    private final String from;
    private final String configurationSet;
    private final Duration templateCacheAge;
    private final Clock clock;
    private final Map<String, Cached> templates = new ConcurrentHashMap<>();

    /** A cached answer to "does this template exist", good until {@code until}. */
    private record Cached(boolean exists, Instant until) {
    }

    private enum Lookup { FOUND, MISSING, UNKNOWN }

    @Override
    public String senderAddress() {
        return EmailGateway.bareAddress(from);
    }

    public SesEmailGateway(SesV2Client ses, String from, String configurationSet, Duration templateCacheAge, Clock clock) {
        this(() -> ses, from, configurationSet, templateCacheAge, clock);
    }

    /** @param ses the client, given when first needed (it may still be building: {@link #fromConfig}) */
    private SesEmailGateway(java.util.function.Supplier<SesV2Client> ses, String from, String configurationSet,
                            Duration templateCacheAge, Clock clock) {
        this.ses = ses;
        this.from = from;
        this.configurationSet = configurationSet == null || configurationSet.isBlank() ? null : configurationSet;
        this.templateCacheAge = templateCacheAge;
        this.clock = clock;
    }

    /**
     * Reads EMAIL_FROM (required), EMAIL_CONFIGURATION_SET and EMAIL_TEMPLATE_CACHE_SECONDS (default 60).
     * Region, credentials and the endpoint come from the SDK's standard resolution: AWS_REGION, the
     * Lambda role, and AWS_ENDPOINT_URL_SESV2 or AWS_ENDPOINT_URL when set (SDK 2.40 reads both).
     */
    public static EmailGateway fromConfig(Config config) {
        String from = config.required(Config.EMAIL_FROM, "the verified sender address of invitation emails");
        String set = config.raw(Config.EMAIL_CONFIGURATION_SET);
        int age = config.integer(Config.EMAIL_TEMPLATE_CACHE_SECONDS, 60, 0, 3600);
        config.validate();
        // the SDK client builds on a second thread while the function's init goes on (its DynamoDB client, its keys):
        // the first use waits for it
        java.util.concurrent.FutureTask<SesV2Client> client = new java.util.concurrent.FutureTask<>(() -> clientBuilder().build());
        Thread.ofPlatform().name("init-ses-client").daemon().start(client);
        return new SesEmailGateway(() -> join(client), from, set, Duration.ofSeconds(age), Clock.systemUTC());
    }

    private static SesV2Client join(java.util.concurrent.FutureTask<SesV2Client> client) {
        try {
            return client.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the SES client");
        }
    }

    /**
     * An SES v2 client builder with the container's shared URL-connection HTTP client, bounded retries and
     * timeouts, and any extra interceptors (tests count or disturb calls with them). Endpoint, region and
     * credentials are left to the standard resolution unless the caller sets them.
     */
    public static SesV2ClientBuilder clientBuilder(ExecutionInterceptor... interceptors) {
        ClientOverrideConfiguration.Builder o = ClientOverrideConfiguration.builder()
                .retryStrategy(SEND_SAFE_RETRIES)
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(SEND_TIMEOUT);
        for (ExecutionInterceptor i : interceptors) {
            o.addExecutionInterceptor(i);
        }
        return SesV2Client.builder().httpClient(AwsClients.httpClient()).overrideConfiguration(o.build());
    }

    /**
     * Creates {@code template} in SES unless a template of that name exists; true when it created it.
     * Used by the local runner at start-up and by tests; production templates are deployed (docs/email.md).
     */
    public static boolean ensureTemplate(SesV2Client ses, EmailTemplate template) {
        if (lookup(ses, template.name()) == Lookup.FOUND) {
            return false;
        }
        try {
            ses.createEmailTemplate(b -> b.templateName(template.name()).templateContent(c -> c
                    .subject(template.subject()).html(template.html()).text(template.text())));
            return true;
        } catch (AlreadyExistsException e) {
            return false;
        } catch (SdkServiceException e) {
            if (e.statusCode() == 400 && lookup(ses, template.name()) == Lookup.FOUND) {
                return false; // created meanwhile (aws-ses-v2-local answers "already exists" as a bare 400)
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ availability

    @Override
    public boolean templateExists(String templateName) {
        if (templateName == null || templateName.isBlank()) {
            return false;
        }
        Instant now = clock.instant();
        Cached c = templates.get(templateName);
        if (c != null && now.isBefore(c.until)) {
            return c.exists;
        }
        Lookup found = lookup(ses.get(), templateName);
        if (found == Lookup.UNKNOWN) {
            // SES is throttling or unreachable: keep the last answer for a moment; with none, offer sending,
            // so that a create still keeps the invite and reports the failed send instead of refusing
            boolean assumed = c == null || c.exists;
            templates.put(templateName, new Cached(assumed, now.plus(min(templateCacheAge, RECHECK_AFTER_ERROR))));
            return assumed;
        }
        boolean exists = found == Lookup.FOUND;
        templates.put(templateName, new Cached(exists, now.plus(templateCacheAge)));
        return exists;
    }

    private static Lookup lookup(SesV2Client ses, String templateName) {
        try {
            ses.getEmailTemplate(b -> b.templateName(templateName)
                    .overrideConfiguration(o -> o.apiCallTimeout(LOOKUP_TIMEOUT)));
            return Lookup.FOUND;
        } catch (NotFoundException e) {
            return Lookup.MISSING;
        } catch (SdkServiceException e) {
            if (e.statusCode() == 404) {
                return Lookup.MISSING;
            }
            Log.warn("email template lookup failed", problem(e, Map.of("template", templateName)));
            if (e.statusCode() == 401 || e.statusCode() == 403) {
                // this function may not use that template (its role names another): not available, not an outage
                return Lookup.MISSING;
            }
            return Lookup.UNKNOWN;
        } catch (SdkException e) {
            Log.warn("email template lookup failed", problem(e, Map.of("template", templateName)));
            return Lookup.UNKNOWN;
        }
    }

    // ------------------------------------------------------------------ sending

    @Override
    public SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
        return send(to, templateName, templateData, java.util.List.of());
    }

    /**
     * The templated email with its files: SES v2 takes attachments on templated content (SendEmail's
     * {@code Template.Attachments}), so the administrator's template stays SES's and no raw MIME is built here.
     */
    @Override
    public SendOutcome send(String to, String templateName, Map<String, Object> templateData,
                            java.util.List<Attachment> attachments) {
        String data = Json.write(TemplateValues.htmlSafe(templateData));
        java.util.List<software.amazon.awssdk.services.sesv2.model.Attachment> files = new java.util.ArrayList<>();
        for (Attachment a : attachments) {
            files.add(software.amazon.awssdk.services.sesv2.model.Attachment.builder().fileName(a.fileName())
                    .contentType(a.contentType()).contentDisposition("ATTACHMENT")
                    .rawContent(software.amazon.awssdk.core.SdkBytes.fromByteArray(a.content())).build());
        }
        try {
            SendEmailResponse r = ses.get().sendEmail(b -> {
                b.fromEmailAddress(from)
                        .destination(d -> d.toAddresses(to))
                        .content(c -> c.template(t -> {
                            t.templateName(templateName).templateData(data);
                            if (!files.isEmpty()) {
                                t.attachments(files);
                            }
                        }));
                if (configurationSet != null) {
                    b.configurationSetName(configurationSet);
                }
            });
            Map<String, Object> fields = sendFields(to, templateName);
            fields.put("messageId", r.messageId());
            Log.info("invitation email sent", fields);
            Metrics.emailSent();
            return SendOutcome.sent(r.messageId());
        } catch (SdkException e) {
            DeliveryFailure failure = classify(e);
            if (e instanceof SdkServiceException s && (s.statusCode() == 404 || s.statusCode() == 400)) {
                // a template deleted after the settings were saved shows up here: ask SES, and stop offering it
                Lookup found = lookup(ses.get(), templateName);
                if (found == Lookup.MISSING) {
                    failure = DeliveryFailure.TEMPLATE_MISSING;
                    templates.put(templateName, new Cached(false, clock.instant().plus(templateCacheAge)));
                } else if (found == Lookup.FOUND && s.statusCode() == 404) {
                    failure = DeliveryFailure.NOT_ALLOWED; // something else is missing: the configuration set
                }
            }
            Map<String, Object> fields = sendFields(to, templateName);
            fields.put("failure", failure.name());
            Log.warn("invitation email not sent", problem(e, fields));
            Metrics.emailFailed(failure.name());
            return failure.outcome();
        } catch (RuntimeException e) {
            Map<String, Object> fields = sendFields(to, templateName);
            fields.put("errorType", e.getClass().getName());
            Log.warn("invitation email not sent", fields);
            Metrics.emailFailed(DeliveryFailure.FAILED.name());
            return DeliveryFailure.FAILED.outcome();
        }
    }

    /** The log fields every send line starts with: the masked recipient and the template. */
    private static Map<String, Object> sendFields(String to, String templateName) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("to", Emails.mask(to));
        fields.put("template", templateName);
        return fields;
    }

    /** Throttled, unreachable, refused, not allowed, or failed: by SES error code and by HTTP status. */
    public static DeliveryFailure classify(SdkException e) {
        if (e instanceof SdkServiceException s) {
            int status = s.statusCode();
            String code = errorCode(s);
            if (s instanceof TooManyRequestsException || s.isThrottlingException() || status == 429
                    || (code != null && THROTTLING_CODES.contains(code))) {
                return DeliveryFailure.THROTTLED;
            }
            if (s instanceof AccountSuspendedException || s instanceof SendingPausedException
                    || s instanceof MailFromDomainNotVerifiedException || status == 401 || status == 403
                    || (code != null && NOT_ALLOWED_CODES.contains(code))) {
                return DeliveryFailure.NOT_ALLOWED;
            }
            if (s instanceof NotFoundException || status == 404) {
                return DeliveryFailure.TEMPLATE_MISSING;
            }
            if (s instanceof MessageRejectedException || (status >= 400 && status < 500)) {
                return DeliveryFailure.REJECTED;
            }
            return DeliveryFailure.FAILED;
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException || causedByIo(e)) {
            return DeliveryFailure.UNREACHABLE;
        }
        return DeliveryFailure.FAILED;
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String errorCode(SdkServiceException s) {
        if (s instanceof AwsServiceException a && a.awsErrorDetails() != null) {
            return a.awsErrorDetails().errorCode();
        }
        return null;
    }

    /** Log fields for a provider error: its kind, status and code, never its message. */
    private static Map<String, Object> problem(SdkException e, Map<String, Object> base) {
        Map<String, Object> fields = new LinkedHashMap<>(base);
        fields.put("errorType", e.getClass().getSimpleName());
        if (e instanceof SdkServiceException s) {
            fields.put("status", s.statusCode());
            String code = errorCode(s);
            if (code != null) {
                fields.put("errorCode", code);
            }
            if (s.requestId() != null) {
                fields.put("awsRequestId", s.requestId());
            }
        } else if (e.getCause() != null) {
            fields.put("cause", e.getCause().getClass().getSimpleName());
        }
        return fields;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
