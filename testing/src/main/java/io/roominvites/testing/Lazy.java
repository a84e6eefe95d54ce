package io.roominvites.testing;

import java.util.function.Supplier;

/**
 * A value made on the first {@link #get()} and kept (double-checked: later calls take no lock).
 * When making it throws, nothing is kept and the next call tries again. The maker must not answer
 * null.
 */
final class Lazy<T> implements Supplier<T> {

  private final Supplier<? extends T> maker;
  private volatile T value;

  Lazy(Supplier<? extends T> maker) {
    this.maker = maker;
  }

  @Override
  public T get() {
    T current = value;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (value == null) {
        value = maker.get();
      }
      return value;
    }
  }
}
