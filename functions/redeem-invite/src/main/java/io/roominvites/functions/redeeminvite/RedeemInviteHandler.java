package io.roominvites.functions.redeeminvite;

import io.roominvites.app.App;
import io.roominvites.http.Operation;
import io.roominvites.lambda.LambdaApi;

import java.util.EnumSet;

/** Lambda handler for: PREVIEW_INVITE, REDEEM_INVITE. Built once per container, at init. */
public final class RedeemInviteHandler extends LambdaApi {
    static final EnumSet<Operation> OPERATIONS = EnumSet.of(Operation.PREVIEW_INVITE, Operation.REDEEM_INVITE);
    private static final App APP = App.fromEnvironment(OPERATIONS, null);

    public RedeemInviteHandler() {
        super(APP);
    }
}
