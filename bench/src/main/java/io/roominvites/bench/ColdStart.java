package io.roominvites.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One cold start in a fresh JVM (started by the orchestrator with the Lambda flags and only the function's
 * own jar, plus this class, on the class path). Prints {@code DONE <status> <init ms> <first request ms>}
 * as soon as the first answer is there; the orchestrator measures from process start to that line.
 * <ul>
 * <li>{@code redeem <token> <device> <email>}: the redeem-invite handler, built by name as the Lambda runtime
 * does (its static init builds the App: config, signing keys from Secrets Manager, clients), then one redeem;</li>
 * <li>{@code create <room> <bearer> <email>}: the create-invite handler likewise (its static init also builds the SES
 * client and the calendar writer), then one create without email (the caller's token verified against the JWKS);</li>
 * <li>{@code getitem <variant> <table> <pk> <sk>}: the floor, a minimal handler that builds the same DynamoDB
 * client (variant "functions" is exactly AwsClients.dynamoDb()) and does one GetItem.</li>
 * </ul>
 */
public final class ColdStart {
    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        int status;
        long t1;
        if (args[0].equals("create")) {
            var handler = Events.handler(Events.CREATE_HANDLER);
            t1 = System.nanoTime();
            APIGatewayV2HTTPResponse r = handler.handleRequest(Events.create(args[1], args[2], args[3]), null);
            status = r.getStatusCode();
        } else if (args[0].equals("redeem")) {
            var handler = Events.handler(Events.REDEEM_HANDLER);
            t1 = System.nanoTime();
            APIGatewayV2HTTPResponse r = handler.handleRequest(Events.redeem(args[1], args[2], args[3]), null);
            status = r.getStatusCode();
        } else {
            DynamoDbClient db = Clients.dynamoDb(args[1]);
            t1 = System.nanoTime();
            db.getItem(b -> b.tableName(args[2]).key(Clients.key(args[3], args[4])).consistentRead(true));
            status = 200;
        }
        long t2 = System.nanoTime();
        System.out.println("DONE " + status + " " + (t1 - t0) / 1_000_000.0 + " " + (t2 - t1) / 1_000_000.0);
        Exit.now();
    }
}
