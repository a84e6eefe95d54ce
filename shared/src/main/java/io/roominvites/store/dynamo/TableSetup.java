package io.roominvites.store.dynamo;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Creates the table as template.yaml declares it (keys, the indexes, the stream, TTL). For the local runner,
 * tests and the benchmark; in AWS the SAM template creates it.
 */
public final class TableSetup {
    private TableSetup() {
    }

    public static void create(DynamoDbClient db, String table) {
        create(db, table, true);
    }

    /**
     * As {@link #create(DynamoDbClient, String)}; {@code stream} false leaves the stream off, for a table whose
     * stream nobody reads. DynamoDB Local looks its stream up (SQL over all its streams' metadata) on every write to
     * a stream table: in a test run sharing one DynamoDB Local, that lookup took 413 s of its single SQLite thread's
     * 713 s, and the 10,000-invite scale test 473 s instead of 47 s without streams on unread tables.
     */
    public static void create(DynamoDbClient db, String table, boolean stream) {
        try {
            db.createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attr(TableSchema.PK), attr(TableSchema.SK), attr(TableSchema.ROOM_LIST_PK),
                            attr(TableSchema.STATUS_LIST_PK), attr(TableSchema.LIST_SK), attr(TableSchema.EMAIL_MESSAGE_PK),
                            attr(TableSchema.EMAIL_KEY))
                    .keySchema(key(TableSchema.PK, KeyType.HASH), key(TableSchema.SK, KeyType.RANGE))
                    .globalSecondaryIndexes(
                            GlobalSecondaryIndex.builder().indexName(TableSchema.ROOM_LIST_INDEX)
                                    .keySchema(key(TableSchema.ROOM_LIST_PK, KeyType.HASH), key(TableSchema.LIST_SK, KeyType.RANGE))
                                    .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)).build(),
                            GlobalSecondaryIndex.builder().indexName(TableSchema.STATUS_LIST_INDEX)
                                    .keySchema(key(TableSchema.STATUS_LIST_PK, KeyType.HASH), key(TableSchema.LIST_SK, KeyType.RANGE))
                                    .projection(p -> p.projectionType(ProjectionType.INCLUDE)
                                            .nonKeyAttributes(TableSchema.STATUS_LIST_PROJECTED)).build(),
                            GlobalSecondaryIndex.builder().indexName(TableSchema.EMAIL_MESSAGE_INDEX)
                                    .keySchema(key(TableSchema.EMAIL_MESSAGE_PK, KeyType.HASH))
                                    .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)).build(),
                            GlobalSecondaryIndex.builder().indexName(TableSchema.EMAIL_KEY_INDEX)
                                    .keySchema(key(TableSchema.EMAIL_KEY, KeyType.HASH), key(TableSchema.PK, KeyType.RANGE))
                                    .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)).build())
                    .applyMutation(b2 -> {
                        if (stream) {
                            b2.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES));
                        }
                    }));
        } catch (ResourceInUseException exists) {
            return;
        }
        db.waiter().waitUntilTableExists(b -> b.tableName(table));
        db.updateTimeToLive(b -> b.tableName(table)
                .timeToLiveSpecification(t -> t.attributeName(TableSchema.TTL).enabled(true)));
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
