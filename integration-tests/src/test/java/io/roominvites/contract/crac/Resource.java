package io.roominvites.contract.crac;

/**
 * The contract runner's CRaC implementation, which org.crac (the API the functions use) binds to when the
 * runner starts the JVM with {@code -Dorg.crac.Core.Compat=io.roominvites.contract.crac}, as it binds to the
 * runtime's own implementation in Lambda. Same shape as {@code jdk.crac}: Resource, Context, Core and the two
 * exceptions.
 */
public interface Resource {
    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
