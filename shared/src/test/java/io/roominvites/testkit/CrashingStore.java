package io.roominvites.testkit;

import io.roominvites.store.InviteStore;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link InviteStore} that crashes right after one of its steps did its work: once {@link #arm armed}, the
 * {@code nth} call of the method named {@code step} is carried out on the store, then throws
 * {@code IllegalStateException("injected crash after <step>")}, as a process that died before it answered.
 */
public final class CrashingStore {
    private final String step;
    private final int nth;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicInteger calls = new AtomicInteger();

    public CrashingStore(String step, int nth) {
        this.step = step;
        this.nth = nth;
    }

    /** From now on the step's calls are counted, and the {@code nth} crashes. */
    public void arm() {
        armed.set(true);
    }

    /** How many calls of the step were counted since {@link #arm}. */
    public int calls() {
        return calls.get();
    }

    /** Counts a call of the step (for a step outside the store, such as a queue's); throws on the {@code nth}. */
    public void after(String name) {
        if (armed.get() && name.equals(step) && calls.incrementAndGet() == nth) {
            throw new IllegalStateException("injected crash after " + step);
        }
    }

    /** {@code store}, crashing as said. */
    public InviteStore wrap(InviteStore store) {
        return (InviteStore) Proxy.newProxyInstance(InviteStore.class.getClassLoader(), new Class<?>[]{InviteStore.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    after(method.getName());
                    return result;
                });
    }
}
