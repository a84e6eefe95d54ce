package io.roominvites.store.dynamo;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.store.DirectoryStore;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.roominvites.store.dynamo.Attr.s;

/** {@link DirectoryStore} on the table: a user and its search entries; a search is one Query of one partition. */
final class DynamoDirectory implements DirectoryStore {
    private final Table table;

    DynamoDirectory(Table table) {
        this.table = table;
    }

    @Override
    public void putUser(DirectoryUser user) {
        Map<String, AttributeValue> old = Calls.write(() -> table.db.putItem(b -> b.tableName(table.name)
                .item(UserItems.userItem(user)).returnValues(ReturnValue.ALL_OLD)).attributes());
        Set<String> newTerms = UserItems.searchTerms(user);
        List<TransactWriteItem> writes = new ArrayList<>();
        if (old != null && !old.isEmpty()) {
            for (String term : UserItems.searchTerms(UserItems.user(old))) {
                if (!newTerms.contains(term)) {
                    writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table.name)
                            .key(UserItems.searchKey(term, user.email())).build()).build());
                }
            }
        }
        for (String term : newTerms) {
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table.name)
                    .item(UserItems.searchEntry(term, user)).build()).build());
        }
        Calls.write(() -> table.db.transactWriteItems(b -> b.transactItems(writes)));
    }

    @Override
    public void removeUser(String email) {
        Map<String, AttributeValue> old = table.get(UserItems.userKey(email));
        if (old == null) {
            return;
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table.name)
                .key(UserItems.userKey(email)).build()).build());
        for (String term : UserItems.searchTerms(UserItems.user(old))) {
            writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table.name)
                    .key(UserItems.searchKey(term, email)).build()).build());
        }
        Calls.write(() -> table.db.transactWriteItems(b -> b.transactItems(writes)));
    }

    @Override
    public List<DirectoryUser> suggestUsers(String prefix, int limit) {
        String p = prefix.trim().toLowerCase(Locale.ROOT);
        if (p.isEmpty()) {
            return List.of();
        }
        String partition = UserItems.searchPartition(p);
        Map<String, DirectoryUser> byEmail = new LinkedHashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = Calls.call(() -> table.db.query(QueryRequest.builder().tableName(table.name)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                    .expressionAttributeValues(Map.of(":pk", s(partition), ":p", s(p)))
                    .limit(limit * 3).exclusiveStartKey(exclusiveStart).build()));
            for (Map<String, AttributeValue> item : page.items()) {
                DirectoryUser u = UserItems.user(item);
                byEmail.putIfAbsent(u.email(), u);
                if (byEmail.size() == limit) {
                    return List.copyOf(byEmail.values());
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return List.copyOf(byEmail.values());
    }
}
