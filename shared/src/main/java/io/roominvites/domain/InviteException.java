package io.roominvites.domain;

import java.util.List;
import java.util.Map;

/**
 * A failure with a contract error code. Thrown by the domain, the tokens and the store; turned into
 * the contract's error body by the HTTP layer. Carries no stack trace: it is an answer, not a bug.
 */
public final class InviteException extends RuntimeException {
    private final ErrorCode code;
    private final List<FieldError> fields;
    private final Map<String, Object> details;

    public InviteException(ErrorCode code) {
        this(code, code.defaultMessage(), List.of(), Map.of());
    }

    public InviteException(ErrorCode code, String message) {
        this(code, message, List.of(), Map.of());
    }

    public InviteException(ErrorCode code, String message, List<FieldError> fields, Map<String, Object> details) {
        super(message, null, false, false);
        this.code = code;
        this.fields = List.copyOf(fields);
        this.details = Map.copyOf(details);
    }

    /**
     * SERVICE_UNAVAILABLE for a write whose outcome is unknown (its answer timed out, or DynamoDB answered 500): it may
     * or may not have been made, and the message says so instead of claiming that nothing changed.
     */
    public static InviteException outcomeUnknown() {
        return new InviteException(ErrorCode.SERVICE_UNAVAILABLE, OUTCOME_UNKNOWN);
    }

    /** The message of {@link #outcomeUnknown()}. */
    public static final String OUTCOME_UNKNOWN = "The database did not confirm this change in time, so it may or may not "
            + "have been made. It is safe to try again in a few seconds: the same request is never applied twice "
            + "(to create an invitation, send the same Idempotency-Key again).";

    public static InviteException invalid(List<FieldError> fields) {
        return new InviteException(ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST.defaultMessage(), fields, Map.of());
    }

    public static InviteException invalid(String field, String problem) {
        return invalid(List.of(new FieldError(field, problem)));
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldError> fields() {
        return fields;
    }

    /** Extra members of the error object, such as {@code startsAt} for SESSION_NOT_STARTED. */
    public Map<String, Object> details() {
        return details;
    }
}
