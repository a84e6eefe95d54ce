package io.roominvites.functions.jwks;

import io.roominvites.app.App;
import io.roominvites.http.Operation;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.SnapStartPriming;

import java.util.EnumSet;

/** Lambda handler for: JWKS and OpenID Connect discovery. Built once per container, at init; primed before a SnapStart snapshot. */
public final class JwksHandler extends LambdaApi {
    static final EnumSet<Operation> OPERATIONS = EnumSet.of(Operation.JWKS, Operation.OPENID_CONFIGURATION);
    private static final App APP = LambdaApi.init(() -> SnapStartPriming.register(App.fromEnvironment(OPERATIONS, null)));

    public JwksHandler() {
        super(APP);
    }
}
