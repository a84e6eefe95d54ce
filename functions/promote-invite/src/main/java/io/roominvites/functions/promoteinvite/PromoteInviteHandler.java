package io.roominvites.functions.promoteinvite;

import io.roominvites.app.App;
import io.roominvites.http.Operation;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.SnapStartPriming;

import java.util.EnumSet;

/** Lambda handler for the routes {@link Operation} declares for Function.PROMOTE_INVITE. Built once per container, at init; primed before a SnapStart snapshot. */
public final class PromoteInviteHandler extends LambdaApi {
    static final EnumSet<Operation> OPERATIONS = Operation.servedBy(Operation.Function.PROMOTE_INVITE);
    private static final App APP = LambdaApi.init(() -> SnapStartPriming.register(App.fromEnvironment(OPERATIONS, null)));

    public PromoteInviteHandler() {
        super(APP);
    }
}
