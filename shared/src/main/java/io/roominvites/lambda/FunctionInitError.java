package io.roominvites.lambda;

/**
 * A function that cannot start: its message (the missing or malformed variables, say) is what the Lambda runtime
 * reports as the init error's {@code errorMessage}. An {@link Error}, because the JVM wraps anything else thrown by a
 * class's static initialiser in an {@code ExceptionInInitializerError} without a message of its own, which left
 * the helpful message to a "Caused by" line.
 */
public final class FunctionInitError extends Error {
    public FunctionInitError(String message, Throwable cause) {
        super(message, cause);
    }
}
