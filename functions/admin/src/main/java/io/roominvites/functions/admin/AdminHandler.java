package io.roominvites.functions.admin;

import io.roominvites.app.App;
import io.roominvites.emailqueue.SqsErasureQueue;
import io.roominvites.http.Operation;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.SnapStartPriming;

import java.util.EnumSet;

/** Lambda handler for the routes {@link Operation} declares for Function.ADMIN. Built once per container, at init; primed before a SnapStart snapshot. */
public final class AdminHandler extends LambdaApi {
    static final EnumSet<Operation> OPERATIONS = Operation.servedBy(Operation.Function.ADMIN);
    private static final App APP = LambdaApi.init(() -> SnapStartPriming.register(App.fromConfig(
            io.roominvites.aws.Config.fromEnvironment(), OPERATIONS, null, null, SqsErasureQueue::fromConfig)));

    public AdminHandler() {
        super(APP);
    }
}
