package io.roominvites.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.roominvites.aws.AwsClients;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Warm latency of create (without email) through the create-invite function's real handler (the
 * caller's bearer token verified against the identity provider's JWKS, cached after the first request),
 * interleaved with the floor on the same DynamoDB client: the room's GetItem, then the TransactWriteItems
 * of a condition check on the room and the conditional Put of an invite of the same size.
 */
public final class WarmCreate {
    private static final Pattern INVITE_ID = Pattern.compile("\"inviteId\"\\s*:\\s*\"([0-9A-Z]+)\"");

    private WarmCreate() {
    }

    public static void main(String[] args) throws Exception {
        String roomId = args[0];
        String bearer = args[1];
        int warmup = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        String table = System.getenv("TABLE_NAME");
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler = Events.handler(Events.CREATE_HANDLER);
        DynamoDbClient db = AwsClients.dynamoDb();
        Map<String, AttributeValue> roomKey = Clients.key("ROOM#" + roomId, "#ROOM");

        APIGatewayV2HTTPResponse first = Events.expect(handler.handleRequest(Events.create(roomId, bearer, "first@example.org"), null), 201);
        Matcher m = INVITE_ID.matcher(first.getBody());
        if (!m.find()) {
            throw new IllegalStateException("no inviteId in " + first.getBody());
        }
        Map<String, AttributeValue> template = db.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Clients.key("INVITE#" + roomId + "#" + m.group(1), "#INVITE"))).item();
        Map<String, AttributeValue> gateKey = Clients.key("ROOM#" + roomId + "#GATE#0", "#GATE");
        String version = db.getItem(r -> r.tableName(table).key(roomKey).consistentRead(true)).item().get("version").n();

        Stats handlerCreate = new Stats(n);
        Stats floorCreate = new Stats(n);
        for (int i = 0; i < warmup + n; i++) {
            APIGatewayV2HTTPEvent event = Events.create(roomId, bearer, "guest" + i + "@example.org");
            Map<String, AttributeValue> copy = new HashMap<>(template);
            String floorId = String.format("FLOOR%021d", i);
            copy.put("pk", AttributeValue.fromS("INVITE#" + roomId + "#" + floorId));
            copy.put("inviteId", AttributeValue.fromS(floorId));
            copy.put("lsk", AttributeValue.fromS(floorId));
            List<TransactWriteItem> writes = List.of(
                    TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(gateKey)
                            .conditionExpression("attribute_not_exists(version) OR version = :v")
                            .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(version)))).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(copy)
                            .conditionExpression("attribute_not_exists(pk)")).build());
            Runnable bare = () -> {
                db.getItem(r -> r.tableName(table).key(roomKey).consistentRead(true));
                db.transactWriteItems(t -> t.transactItems(writes));
            };
            WarmRedeem.interleaved(i, warmup, () -> Events.expect(handler.handleRequest(event, null), 201), bare,
                    handlerCreate, floorCreate);
        }
        System.out.println(handlerCreate.result("create-handler"));
        System.out.println(floorCreate.result("create-floor"));
        Exit.now();
    }
}
