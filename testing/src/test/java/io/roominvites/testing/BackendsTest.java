package io.roominvites.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.TestAbortedException;

class BackendsTest {

  @AfterEach
  void clearSelection() {
    System.clearProperty(Backends.SELECTION_PROPERTY);
  }

  @Test
  void skipReasonMatchesDockerAvailability() {
    String reason = Backends.localStackSkipReason();
    if (Backends.isDockerAvailable()) {
      assertNull(reason);
    } else {
      assertEquals(
          "LocalStack backend skipped: no Docker engine reachable"
              + " (DockerClientFactory.isDockerAvailable() = false)",
          reason);
    }
  }

  @Test
  void availableAlwaysHasTheEmulatorsAndLocalStackOnlyWithDocker() {
    List<String> names = Backends.available().stream().map(Backend::name).toList();
    assertEquals(
        Backends.isDockerAvailable() ? List.of("emulators", "localstack") : List.of("emulators"),
        names);

    System.setProperty(Backends.SELECTION_PROPERTY, "emulators");
    assertEquals(List.of("emulators"), Backends.available().stream().map(Backend::name).toList());
    assertEquals(List.of("emulators"), Backends.all().map(Backend::name).toList());

    System.setProperty(Backends.SELECTION_PROPERTY, "localstack");
    assertEquals(List.of("localstack"), Backends.all().map(Backend::name).toList());

    System.setProperty(Backends.SELECTION_PROPERTY, "nonsense");
    assertThrows(IllegalArgumentException.class, Backends::available);
  }

  @Test
  void placeholderAbortsWithTheReasonWhenUsed() {
    Backend placeholder = new UnavailableBackend("localstack", "no Docker here");
    assertEquals("localstack", placeholder.name());
    TestAbortedException aborted =
        assertThrows(TestAbortedException.class, placeholder::dynamoDbEndpoint);
    assertTrue(aborted.getMessage().contains("no Docker here"));
    assertThrows(TestAbortedException.class, placeholder::sentEmails);
  }

  @Test
  void parameterizedClassReportsAnUnavailableLocalStackAsSkippedWithItsReason() {
    Events tests =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(ForEachBackendTest.class))
            .execute()
            .testEvents();

    int perBackend = 2;
    if (Backends.isDockerAvailable()) {
      tests.assertStatistics(s -> s.started(2 * perBackend).succeeded(2 * perBackend).skipped(0));
    } else {
      tests.assertStatistics(s -> s.started(perBackend).succeeded(perBackend).skipped(perBackend));
      tests
          .skipped()
          .stream()
          .forEach(
              e -> {
                assertEquals(
                    Backends.localStackSkipReason(),
                    e.getPayload(String.class).orElseThrow());
                assertTrue(
                    e.getTestDescriptor().getUniqueId().toString().contains("#2"),
                    "the second invocation (localstack) is the skipped one: " + e);
              });
    }
  }
}
