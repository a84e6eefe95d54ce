package io.roominvites.bench;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * DynamoDB Local in server mode (HTTP, in memory) on a free port of 127.0.0.1 only, in its own JVM so that
 * its work shares neither a heap nor a JIT with what is measured. Prints {@code PORT <n>}, then serves until
 * its standard input closes.
 */
public final class DynamoServer {
    private DynamoServer() {
    }

    public static void main(String[] args) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[]{"-inMemory", "-disableTelemetry", "-port", Integer.toString(port)});
            Server jetty = jetty(server);
            for (Connector c : jetty.getConnectors()) {
                if (c instanceof ServerConnector sc) {
                    sc.setHost("127.0.0.1"); // Jetty's new Server(port) would listen on every interface
                }
            }
            server.start();
            if (jetty.isStarted()) {
                System.out.println("PORT " + port);
                System.out.flush();
                while (System.in.read() >= 0) {
                    // serve until the orchestrator closes our stdin (or dies)
                }
                server.stop();
                return;
            }
            server.stop();
            if (attempt == 5) {
                throw new IllegalStateException("DynamoDB Local did not start");
            }
        }
    }

    /** The Jetty server inside DynamoDBProxyServer (a private field). */
    private static Server jetty(DynamoDBProxyServer server) throws ReflectiveOperationException {
        for (Field f : DynamoDBProxyServer.class.getDeclaredFields()) {
            if (Server.class.isAssignableFrom(f.getType())) {
                f.setAccessible(true);
                return (Server) f.get(server);
            }
        }
        throw new IllegalStateException("DynamoDBProxyServer has no Jetty server field");
    }
}
