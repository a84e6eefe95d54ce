package io.roominvites.testing;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The round-trip table of this module's tests: on demand, keyed by one string {@code pk}. */
final class StringKeyTable {

  private StringKeyTable() {}

  static void create(DynamoDbClient ddb, String table) {
    ddb.createTable(
        b ->
            b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName("pk")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(
                    KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
  }

  /** A consistent read of the item whose {@code pk} is {@code key}. */
  static GetItemResponse get(DynamoDbClient ddb, String table, String key) {
    return ddb.getItem(
        b -> b.tableName(table).consistentRead(true).key(Map.of("pk", AttributeValue.fromS(key))));
  }
}
