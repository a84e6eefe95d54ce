package io.roominvites.store;

import io.roominvites.local.DynamoDbLocalServer;
import io.roominvites.store.dynamo.DynamoInviteStore;
import io.roominvites.store.dynamo.TableSetup;
import io.roominvites.testing.Backend;
import io.roominvites.testing.Backends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The real store held to the store's contract, on DynamoDB Local (in this JVM, in memory): the same tests that hold
 * the fast tests' double ({@code MemoryInviteStore}) to it, so the two behave alike. A table of its own per test
 * (settings and the directory are table-wide), without a stream (nobody reads it), dropped after the test.
 */
class DynamoInviteStoreContractTest extends InviteStoreContract {
    private static DynamoDbClient db;
    private String table;

    @BeforeAll
    static void client() {
        db = DynamoDbClient.builder()
                .endpointOverride(DynamoDbLocalServer.shared().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(Backend.TEST_CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void closeClient() {
        db.close();
    }

    @Override
    protected InviteStore newStore() {
        table = Backends.uniqueName("store-contract");
        TableSetup.create(db, table, false);
        return new DynamoInviteStore(db, table);
    }

    @AfterEach
    void dropTable() {
        if (table != null) {
            db.deleteTable(b -> b.tableName(table));
        }
    }
}
