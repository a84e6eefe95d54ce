package io.roominvites.bench;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/** Warm latency of one consistent GetItem on one HTTP client variant (the client comparison). */
public final class WarmGetItem {
    private WarmGetItem() {
    }

    public static void main(String[] args) {
        String variant = args[0];
        String table = args[1];
        Map<String, AttributeValue> key = Clients.key(args[2], args[3]);
        int warmup = Integer.parseInt(args[4]);
        int n = Integer.parseInt(args[5]);
        DynamoDbClient db = Clients.dynamoDb(variant);
        Stats stats = new Stats(n);
        for (int i = 0; i < warmup + n; i++) {
            long t = System.nanoTime();
            db.getItem(r -> r.tableName(table).key(key).consistentRead(true));
            if (i >= warmup) {
                stats.add(System.nanoTime() - t);
            }
        }
        System.out.println(stats.result("getitem-" + variant));
        Exit.now();
    }
}
