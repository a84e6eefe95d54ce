package io.roominvites.service;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;

import java.util.function.Supplier;

/**
 * What a 503 says to a request with an Idempotency-Key (create and bulk): never "Nothing was changed" when an earlier
 * request with the same key may have created something (the seeded simulation's seeds 147, 224 and 239).
 */
final class KeyedAnswers {
    private KeyedAnswers() {
    }

    /**
     * Runs the read a keyed request makes before it knows whether its key was used. Should that read fail, this request
     * has changed nothing, but an earlier one with the same key may have: the 503 says so (seeds 147 and 224: a keyed
     * create's transaction landed but its answer timed out, and the retry's first read timed out too).
     */
    static <T> T beforeKeyKnown(Supplier<T> read, boolean keyed, String earlierMayHave, String retry) {
        try {
            return read.get();
        } catch (InviteException e) {
            if (!keyed || !plainUnavailable(e)) {
                throw e;
            }
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE, "This Idempotency-Key could not be checked just now:"
                    + " an earlier request with it may have " + earlierMayHave + ". Try again in a few seconds with the same"
                    + " key: " + retry + ".");
        }
    }

    /**
     * Runs a read of what an earlier request with this key created. Should it fail, that creation is known: the 503 says
     * so (seed 239: the create's answer was lost, its retry could not read what it had made).
     */
    static <T> T afterKeyFound(Supplier<T> read) {
        try {
            return read.get();
        } catch (InviteException e) {
            if (e.code() != ErrorCode.SERVICE_UNAVAILABLE) {
                throw e;
            }
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE, "This Idempotency-Key already created an invitation,"
                    + " but it could not be read just now. Try again in a few seconds with the same key: it answers that invitation.");
        }
    }

    private static boolean plainUnavailable(InviteException e) {
        return e.code() == ErrorCode.SERVICE_UNAVAILABLE && ErrorCode.SERVICE_UNAVAILABLE.defaultMessage().equals(e.getMessage());
    }
}
