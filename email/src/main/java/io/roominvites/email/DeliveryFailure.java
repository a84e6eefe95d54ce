package io.roominvites.email;

/**
 * Why an invitation email was not sent, with the sentence the manager sees ({@code email.error} of
 * the create and resend answers). Every sentence says that the invitation exists and what to do; none
 * carries provider error text.
 */
public enum DeliveryFailure {
    /** The provider throttled the send (SES: TooManyRequests / HTTP 429) and the bounded retries ran out. */
    THROTTLED("The email service is busy; the invitation was created — resend it in a minute or copy the link."),
    /** The provider could not be reached or did not answer in time. */
    UNREACHABLE("The email service could not be reached; the invitation was created — resend it in a few minutes or copy the link."),
    /** The template named in the site settings no longer exists at the provider. */
    TEMPLATE_MISSING("The invitation email template no longer exists, so no email was sent; the invitation was created — copy the link, and ask a site administrator to restore the template."),
    /** The provider refused this message (SES: MessageRejected, a bad recipient address, HTTP 400). */
    REJECTED("The email service did not accept this message for this address; the invitation was created — copy the link and share it another way."),
    /** Sending from this site is not allowed right now (sender not verified, account paused, permissions). */
    NOT_ALLOWED("Invitation emails can't be sent right now because of the site's email set-up; the invitation was created — copy the link, and ask a site administrator to check the email settings."),
    /** Anything else: a provider error (HTTP 5xx) or an unexpected answer. */
    FAILED("The email could not be sent; the invitation was created — resend it in a few minutes or copy the link.");

    private final String reason;

    DeliveryFailure(String reason) {
        this.reason = reason;
    }

    /** The human sentence for the manager. */
    public String reason() {
        return reason;
    }

    public EmailGateway.SendOutcome outcome() {
        return EmailGateway.SendOutcome.failed(reason);
    }
}
