package io.roominvites.store.dynamo;

import io.roominvites.domain.InviteException;
import io.roominvites.store.FollowUpClaims;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.util.Map;

import static io.roominvites.store.dynamo.Attr.n;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.time;

/** {@link FollowUpClaims} on the table: a conditional put claims, a conditional update settles. */
final class DynamoFollowUps {
    private final Table table;

    DynamoFollowUps(Table table) {
        this.table = table;
    }

    boolean claim(FollowUpClaims.Claim claim) {
        try {
            Calls.write(() -> table.db.putItem(b -> b.tableName(table.name).item(FollowUpItems.item(claim))
                    .conditionExpression("attribute_not_exists(pk)")));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (InviteException unknown) {
            // a time-out: the put may have landed. Read it back: ours only if it carries this claim's id
            Map<String, AttributeValue> item = table.get(FollowUpItems.key(claim.roomId(), claim.inviteId(), claim.kind(),
                    claim.ref()));
            if (item == null) {
                throw unknown; // not written: the job is tried again
            }
            return claim.claimId().equals(Attr.str(item, "claimId"));
        }
    }

    void settle(FollowUpClaims.Settled settled) {
        FollowUpClaims.Claim c = settled.claim();
        try {
            Calls.write(() -> table.db.updateItem(b -> b.tableName(table.name)
                    .key(FollowUpItems.key(c.roomId(), c.inviteId(), c.kind(), c.ref()))
                    .updateExpression("SET #status = :status, settledAt = :at, #sequence = :seq")
                    .conditionExpression("claimId = :claim AND #status = :claimed")
                    .expressionAttributeNames(Map.of("#status", "status", "#sequence", "sequence"))
                    .expressionAttributeValues(Map.of(":status", s(settled.sent() ? "SENT" : "FAILED"),
                            ":at", time(settled.at()), ":seq", n(settled.sequence()), ":claim", s(c.claimId()),
                            ":claimed", s("CLAIMED")))));
        } catch (ConditionalCheckFailedException e) {
            // settled already (this settle's earlier try landed): nothing to change
        }
    }
}
