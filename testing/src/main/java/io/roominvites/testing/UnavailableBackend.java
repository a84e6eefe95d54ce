package io.roominvites.testing;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.regions.Region;

/**
 * Placeholder for a backend that cannot run here (LocalStack without Docker). It keeps its place in
 * {@link Backends#all()} so the skip shows up in the test report: {@link BackendAvailability}
 * disables every test of its invocation with {@link #reason()}, and any use of it aborts the
 * current test with that reason.
 */
final class UnavailableBackend implements Backend {

  private final String name;
  private final String reason;

  UnavailableBackend(String name, String reason) {
    this.name = name;
    this.reason = reason;
  }

  String reason() {
    return reason;
  }

  @Override
  public String name() {
    return name;
  }

  private <T> T abort() {
    return Assumptions.abort(reason);
  }

  @Override
  public URI dynamoDbEndpoint() {
    return abort();
  }

  @Override
  public URI sesEndpoint() {
    return abort();
  }

  @Override
  public Region region() {
    return abort();
  }

  @Override
  public List<StoredEmail> sentEmails() {
    return abort();
  }

  @Override
  public void clearEmails() {
    abort();
  }

  @Override
  public boolean supportsEmailOutage() {
    return abort();
  }

  @Override
  public void stopEmail() {
    abort();
  }

  @Override
  public void startEmail() {
    abort();
  }

  @Override
  public void verifySender(String address) {
    abort();
  }

  @Override
  public String toString() {
    return name + " (skipped)";
  }
}
