package io.roominvites.functions.jwks;

import io.roominvites.app.App;
import io.roominvites.http.Operation;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.SnapStartPriming;

import java.util.EnumSet;

/** Lambda handler for the routes {@link Operation} declares for Function.JWKS. Built once per container, at init; primed before a SnapStart snapshot. */
public final class JwksHandler extends LambdaApi {
    static final EnumSet<Operation> OPERATIONS = Operation.servedBy(Operation.Function.JWKS);
    private static final App APP = LambdaApi.init(() -> SnapStartPriming.register(App.fromEnvironment(OPERATIONS, null)));

    public JwksHandler() {
        super(APP);
    }
}
