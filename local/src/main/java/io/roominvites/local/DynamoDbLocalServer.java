package io.roominvites.local;

import java.lang.reflect.Field;
import java.net.URI;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local (software.amazon.dynamodb:DynamoDBLocal 3.3.1) running in this JVM as an in-memory
 * HTTP server on a free loopback port.
 *
 * <p>Tests normally use {@link #shared()}: one server per JVM, started on first use and stopped by a
 * shutdown hook. Each test class should use its own table names. The local runner uses
 * {@link #launch(java.nio.file.Path)} with a data folder when asked to keep data.
 *
 * <p>DynamoDB Local puts the Apache and Netty SDK HTTP clients on the classpath, so every SDK client
 * pointed at it must set {@code .httpClient(UrlConnectionHttpClient.create())} explicitly (the
 * test backends' clients do).
 *
 * <p>Notes on the 3.x jar: the classes live in {@code software.amazon.dynamodb.services.local.*}
 * (not the 1.x {@code com.amazonaws.services.dynamodbv2.local.*}); the sqlite4java native libraries
 * are bundled in the jar and extracted by DynamoDB Local itself, so no {@code sqlite4java.library.path}
 * is needed. {@link DynamoDBProxyServer#start()} swallows a {@link java.net.SocketException} on bind
 * (it only prints "Could not start server on port"), so this class checks that Jetty really started
 * and retries on another port.
 */
public final class DynamoDbLocalServer implements AutoCloseable {

  private static final int START_ATTEMPTS = 5;
  private static final Object SHARED_LOCK = new Object();
  private static volatile DynamoDbLocalServer shared;

  private final DynamoDBProxyServer server;
  private final int port;
  private volatile boolean closed;

  private DynamoDbLocalServer(DynamoDBProxyServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a new in-memory DynamoDB Local on a free loopback port. */
  public static DynamoDbLocalServer launch() {
    return launch(null);
  }

  /**
   * Starts a new DynamoDB Local on a free loopback port: in memory when {@code dataDir} is null, else
   * keeping its data in that folder (one shared database file).
   */
  public static DynamoDbLocalServer launch(java.nio.file.Path dataDir) {
    if (dataDir != null) {
      try {
        java.nio.file.Files.createDirectories(dataDir);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("Could not create " + dataDir, e);
      }
    }
    Exception last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = FreePorts.pick();
      DynamoDBProxyServer server = null;
      try {
        server =
            ServerRunner.createServerFromCommandLineArgs(
                dataDir == null
                    ? new String[] {"-inMemory", "-disableTelemetry", "-port", Integer.toString(port)}
                    : new String[] {"-dbPath", dataDir.toAbsolutePath().toString(), "-sharedDb",
                        "-disableTelemetry", "-port", Integer.toString(port)});
        Server jetty = jettyOf(server);
        bindToLoopback(jetty);
        server.start();
        if (jetty != null && !(jetty.isStarted() && actualPort(jetty) == port)) {
          throw new IllegalStateException("Jetty did not start on 127.0.0.1:" + port + " (port taken?)");
        }
        return new DynamoDbLocalServer(server, port);
      } catch (Exception e) {
        last = e;
        stopQuietly(server);
      }
    }
    throw new IllegalStateException(
        "Could not start DynamoDB Local after " + START_ATTEMPTS + " attempts", last);
  }

  /** The JVM-wide server, started on first call and stopped by a shutdown hook. */
  public static DynamoDbLocalServer shared() {
    DynamoDbLocalServer current = shared;
    if (current != null) {
      return current;
    }
    synchronized (SHARED_LOCK) {
      if (shared == null) {
        DynamoDbLocalServer started = launch();
        Runtime.getRuntime()
            .addShutdownHook(new Thread(started::close, "dynamodb-local-shutdown"));
        shared = started;
      }
      return shared;
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** The host Jetty's connector was bound to ("127.0.0.1"), or null if it could not be inspected. */
  public String boundHost() {
    Server jetty = jettyOf(server);
    if (jetty != null) {
      for (Connector connector : jetty.getConnectors()) {
        if (connector instanceof ServerConnector serverConnector) {
          return serverConnector.getHost();
        }
      }
    }
    return null;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopQuietly(server);
  }

  @Override
  public String toString() {
    return "DynamoDbLocalServer[" + endpoint() + "]";
  }

  private static void stopQuietly(DynamoDBProxyServer server) {
    if (server == null) {
      return;
    }
    try {
      server.stop();
    } catch (Exception ignored) {
      // best effort
    }
  }

  /** The private Jetty {@link Server} inside DynamoDBProxyServer, or null if the layout changed. */
  private static Server jettyOf(DynamoDBProxyServer server) {
    for (Field field : DynamoDBProxyServer.class.getDeclaredFields()) {
      if (Server.class.isAssignableFrom(field.getType())) {
        try {
          field.setAccessible(true);
          return (Server) field.get(server);
        } catch (ReflectiveOperationException | RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** Jetty's {@code new Server(port)} listens on all interfaces; restrict it to loopback. */
  private static void bindToLoopback(Server jetty) {
    if (jetty == null) {
      return;
    }
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) {
        serverConnector.setHost("127.0.0.1");
      }
    }
  }

  private static int actualPort(Server jetty) {
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) {
        return serverConnector.getLocalPort();
      }
    }
    return -1;
  }
}
