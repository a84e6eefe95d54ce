package io.roominvites.functions.createinvite;

import io.roominvites.app.App;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.emailqueue.SqsEmailQueue;
import io.roominvites.http.Operation;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.SnapStartPriming;

import java.util.EnumSet;

/**
 * Lambda handler for the routes {@link Operation} declares for Function.CREATE_INVITE. Built once per container, at init;
 * primed before a SnapStart snapshot. With EMAIL_QUEUE_URL a bulk batch hands more than 20 emails to that SQS queue
 * (EmailQueueFunction sends them after the answer).
 */
public final class CreateInviteHandler extends LambdaApi {
    static final EnumSet<Operation> OPERATIONS = Operation.servedBy(Operation.Function.CREATE_INVITE);
    private static final App APP = LambdaApi.init(() -> SnapStartPriming.register(App.fromEnvironment(OPERATIONS,
            SesEmailGateway::fromConfig, SqsEmailQueue::fromConfig, new io.roominvites.calendar.ical.BiweeklyCalendarWriter())));

    public CreateInviteHandler() {
        super(APP);
    }
}
