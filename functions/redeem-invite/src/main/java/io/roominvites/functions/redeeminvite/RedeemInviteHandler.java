package io.roominvites.functions.redeeminvite;

import io.roominvites.app.App;
import io.roominvites.calendar.ical.BiweeklyCalendarWriter;
import io.roominvites.http.Operation;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.SnapStartPriming;

import java.util.EnumSet;

/** Lambda handler for the routes {@link Operation} declares for Function.REDEEM_INVITE. Built once per container, at init; primed before a SnapStart snapshot. */
public final class RedeemInviteHandler extends LambdaApi {
    static final EnumSet<Operation> OPERATIONS = Operation.servedBy(Operation.Function.REDEEM_INVITE);
    private static final App APP = LambdaApi.init(() -> SnapStartPriming.register(App.fromEnvironmentWithCalendar(OPERATIONS,
            new BiweeklyCalendarWriter())));

    public RedeemInviteHandler() {
        super(APP);
    }
}
