package io.roominvites.testing;

import io.roominvites.local.DynamoDbLocalServer;
import io.roominvites.local.FreePorts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

class DynamoDbLocalServerTest {

  private static DynamoDbClient client(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(Backend.TEST_CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Test
  void sharedServerServesCreateTablePutItemGetItem() {
    DynamoDbLocalServer server = DynamoDbLocalServer.shared();
    assertSame(server, DynamoDbLocalServer.shared());
    assertEquals("127.0.0.1", server.endpoint().getHost());

    String table = Backends.uniqueName(getClass());
    try (DynamoDbClient ddb = client(server.endpoint())) {
      StringKeyTable.create(ddb, table);
      ddb.putItem(
          b ->
              b.tableName(table)
                  .item(
                      Map.of(
                          "pk", AttributeValue.fromS("invite#1"),
                          "room", AttributeValue.fromS("room-42"),
                          "uses", AttributeValue.fromN("1"))));

      GetItemResponse got = StringKeyTable.get(ddb, table, "invite#1");
      assertTrue(got.hasItem());
      assertEquals("room-42", got.item().get("room").s());
      assertEquals("1", got.item().get("uses").n());
      assertTrue(ddb.listTables().tableNames().contains(table));
    }
  }

  @Test
  void ownServerListensOnLoopbackOnlyAndStopsOnClose() {
    URI endpoint;
    try (DynamoDbLocalServer own = DynamoDbLocalServer.launch()) {
      endpoint = own.endpoint();
      assertNotEquals(DynamoDbLocalServer.shared().port(), own.port());
      try (DynamoDbClient ddb = client(endpoint)) {
        assertTrue(ddb.listTables().tableNames().isEmpty(), "a fresh in-memory database");
      }
      assertEquals("127.0.0.1", own.boundHost(), "Jetty connector bound to loopback only");
    }
    assertFalse(FreePorts.isListening(endpoint.getPort()), "port closed after close()");
  }
}
