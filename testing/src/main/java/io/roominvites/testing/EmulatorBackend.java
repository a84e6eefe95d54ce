package io.roominvites.testing;

import io.roominvites.local.DynamoDbLocalServer;

import java.net.URI;
import java.util.List;

/**
 * The backend that always runs: {@link DynamoDbLocalServer#shared()} for DynamoDB and {@link
 * SesV2Emulator#shared()} for SES v2. Each is started on first use.
 */
public final class EmulatorBackend implements Backend {

  public static final String NAME = "emulators";

  private static final EmulatorBackend SHARED = new EmulatorBackend();

  private EmulatorBackend() {}

  public static EmulatorBackend shared() {
    return SHARED;
  }

  public DynamoDbLocalServer dynamoDb() {
    return DynamoDbLocalServer.shared();
  }

  public SesV2Emulator ses() {
    return SesV2Emulator.shared();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public URI dynamoDbEndpoint() {
    return dynamoDb().endpoint();
  }

  @Override
  public URI sesEndpoint() {
    return ses().endpoint();
  }

  @Override
  public List<StoredEmail> sentEmails() {
    return ses().emails();
  }

  @Override
  public void clearEmails() {
    ses().clear();
  }

  @Override
  public void stopEmail() {
    ses().stop();
  }

  @Override
  public void startEmail() {
    ses().start();
  }

  @Override
  public String toString() {
    return NAME;
  }
}
