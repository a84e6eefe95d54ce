package io.roominvites.email.ses;

import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.CreateEmailTemplateRequest;
import software.amazon.awssdk.services.sesv2.model.CreateEmailTemplateResponse;
import software.amazon.awssdk.services.sesv2.model.GetEmailTemplateRequest;
import software.amazon.awssdk.services.sesv2.model.GetEmailTemplateResponse;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** An SES v2 client that answers from scripts: what a call returns, or what it throws. */
final class StubSes implements SesV2Client {
    final List<GetEmailTemplateRequest> lookups = new ArrayList<>();
    final List<SendEmailRequest> sends = new ArrayList<>();
    final List<CreateEmailTemplateRequest> creates = new ArrayList<>();
    volatile Supplier<RuntimeException> lookupFailure;
    volatile Supplier<RuntimeException> sendFailure;
    volatile boolean templateExists = true;

    @Override
    public GetEmailTemplateResponse getEmailTemplate(GetEmailTemplateRequest request) {
        lookups.add(request);
        if (lookupFailure != null) {
            throw lookupFailure.get();
        }
        if (!templateExists) {
            throw software.amazon.awssdk.services.sesv2.model.NotFoundException.builder().statusCode(404)
                    .message("Template " + request.templateName() + " does not exist").build();
        }
        return GetEmailTemplateResponse.builder().templateName(request.templateName()).build();
    }

    @Override
    public SendEmailResponse sendEmail(SendEmailRequest request) {
        sends.add(request);
        if (sendFailure != null) {
            throw sendFailure.get();
        }
        return SendEmailResponse.builder().messageId("msg-" + sends.size()).build();
    }

    @Override
    public CreateEmailTemplateResponse createEmailTemplate(CreateEmailTemplateRequest request) {
        creates.add(request);
        templateExists = true;
        return CreateEmailTemplateResponse.builder().build();
    }

    @Override
    public String serviceName() {
        return "ses";
    }

    @Override
    public void close() {
    }
}
