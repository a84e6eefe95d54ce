package io.roominvites.bench;

import io.roominvites.local.DynamoDbLocalServer;

/**
 * DynamoDB Local in server mode (HTTP, in memory) on a free port of 127.0.0.1 only, in its own JVM so that
 * its work shares neither a heap nor a JIT with what is measured. Prints {@code PORT <n>}, then serves until
 * its standard input closes. Starting it (loopback only, retried on another port) is the local module's
 * {@link DynamoDbLocalServer#launch()}.
 */
public final class DynamoServer {
    private DynamoServer() {
    }

    public static void main(String[] args) throws Exception {
        try (DynamoDbLocalServer server = DynamoDbLocalServer.launch()) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the orchestrator closes our stdin (or dies)
            }
        }
    }
}
