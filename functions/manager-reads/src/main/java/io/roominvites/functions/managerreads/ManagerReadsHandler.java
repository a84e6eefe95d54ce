package io.roominvites.functions.managerreads;

import io.roominvites.app.App;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.http.Operation;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.SnapStartPriming;

import java.util.EnumSet;

/** Lambda handler for: INVITE_OPTIONS, INVITEE_SUGGESTIONS, LIST_INVITES, HISTORY. Built once per container, at init; primed before a SnapStart snapshot. */
public final class ManagerReadsHandler extends LambdaApi {
    static final EnumSet<Operation> OPERATIONS = EnumSet.of(Operation.INVITE_OPTIONS, Operation.INVITEE_SUGGESTIONS, Operation.LIST_INVITES,
            Operation.HISTORY);
    private static final App APP = LambdaApi.init(() -> SnapStartPriming.register(App.fromEnvironment(OPERATIONS, SesEmailGateway::fromConfig)));

    public ManagerReadsHandler() {
        super(APP);
    }
}
