package io.roominvites.functions.createinvite;

import io.roominvites.app.App;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.emailqueue.SqsEmailQueue;
import io.roominvites.http.Operation;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.SnapStartPriming;

import java.util.EnumSet;

/**
 * Lambda handler for: CREATE_INVITE, BULK_CREATE_INVITES, RESEND_INVITE, REISSUE_INVITE. Built once per container, at init;
 * primed before a SnapStart snapshot. With EMAIL_QUEUE_URL a bulk batch hands more than 20 emails to that SQS queue
 * (EmailQueueFunction sends them after the answer).
 */
public final class CreateInviteHandler extends LambdaApi {
    static final EnumSet<Operation> OPERATIONS = EnumSet.of(Operation.CREATE_INVITE, Operation.BULK_CREATE_INVITES,
            Operation.RESEND_INVITE, Operation.REISSUE_INVITE);
    private static final App APP = LambdaApi.init(() -> SnapStartPriming.register(App.fromEnvironment(OPERATIONS,
            SesEmailGateway::fromConfig, SqsEmailQueue::fromConfig)));

    public CreateInviteHandler() {
        super(APP);
    }
}
