package io.roominvites.contract.crac;

/** See {@link Resource}. */
public class RestoreException extends Exception {
    public RestoreException(Throwable cause) {
        super(cause);
    }
}
