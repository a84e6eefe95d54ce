package io.roominvites.functions.admin;

import io.roominvites.app.App;
import io.roominvites.http.Operation;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.lambda.SnapStartPriming;

import java.util.EnumSet;

/** Lambda handler for: GET_SETTINGS, PUT_SETTINGS, PUT_ROOM, DELETE_ROOM, PUT_USER. Built once per container, at init; primed before a SnapStart snapshot. */
public final class AdminHandler extends LambdaApi {
    static final EnumSet<Operation> OPERATIONS = EnumSet.of(Operation.GET_SETTINGS, Operation.PUT_SETTINGS, Operation.PUT_ROOM, Operation.DELETE_ROOM, Operation.PUT_USER);
    private static final App APP = LambdaApi.init(() -> SnapStartPriming.register(App.fromEnvironment(OPERATIONS, null)));

    public AdminHandler() {
        super(APP);
    }
}
