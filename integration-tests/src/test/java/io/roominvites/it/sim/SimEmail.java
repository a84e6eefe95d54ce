package io.roominvites.it.sim;

import io.roominvites.email.EmailGateway;
import io.roominvites.store.dynamo.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulation's email provider: records every send with the invite and the attempt it was for, fails some sends
 * (seeded), and checks at the moment of sending that the invite is stored with that attempt reserved (QUEUED): an
 * email for an invite that was never written, or a second email for one attempt, is a violation.
 */
final class SimEmail implements EmailGateway {
    private static final Pattern INV = Pattern.compile("\"inv\"\\s*:\\s*\"([^\"]+)\"");

    private final DynamoDbClient raw;
    private final String table;
    private final Clock clock;
    private final Random rnd;
    volatile double failureRate;
    private final Map<String, Integer> sends = new HashMap<>();
    private final Set<String> sentAttempts = new HashSet<>();
    final List<String> violations = new ArrayList<>();
    int sent;
    int failed;
    private int messageIds;

    SimEmail(DynamoDbClient raw, String table, Clock clock, long seed) {
        this.raw = raw;
        this.table = table;
        this.clock = clock;
        this.rnd = new Random(seed);
    }

    @Override
    public boolean templateExists(String templateName) {
        return templateName != null;
    }

    @Override
    public SendOutcome send(String to, String templateName, Map<String, Object> data) {
        String link = (String) data.get("inviteLink");
        String token = link.substring(link.indexOf("#invite=") + 8);
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        Matcher m = INV.matcher(payload);
        String inv = m.find() ? m.group(1) : "?";
        int sep = inv.indexOf(':');
        String roomId = inv.substring(0, sep);
        String inviteId = inv.substring(sep + 1);
        Map<String, AttributeValue> item = raw.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(TableSchema.PK, AttributeValue.fromS("INVITE#" + roomId + "#" + inviteId),
                        TableSchema.SK, AttributeValue.fromS("#INVITE")))).item();
        if (item == null || item.isEmpty()) {
            violations.add("an email was sent for invite " + inviteId + ", which is not stored");
        } else {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            List<AttributeValue> history = item.containsKey("emailHistory") ? item.get("emailHistory").l() : List.of();
            int attempt = -1;
            int queued = 0;
            for (int i = 0; i < history.size(); i++) {
                Map<String, AttributeValue> a = history.get(i).m();
                if ("QUEUED".equals(a.get("status").s())) {
                    queued++;
                    Instant at = Instant.ofEpochMilli(Long.parseLong(a.get("at").n()));
                    if (at.equals(now) || at.equals(now.plusMillis(1)) || attempt < 0) {
                        attempt = i + 1;
                    }
                }
            }
            if (queued == 0) {
                violations.add("an email was sent for invite " + inviteId + " with no attempt reserved (QUEUED)");
            } else if (!sentAttempts.add(inviteId + "#" + attempt) && queued == 1) {
                violations.add("attempt " + attempt + " of invite " + inviteId + " was emailed twice");
            }
            int n = sends.merge(inviteId, 1, Integer::sum);
            if (n > history.size()) {
                violations.add("invite " + inviteId + " was emailed " + n + " times with " + history.size() + " attempts");
            }
        }
        if (rnd.nextDouble() < failureRate) {
            failed++;
            return SendOutcome.failed("Injected: the email provider refused the message.");
        }
        sent++;
        return SendOutcome.sent("sim-msg-" + (++messageIds));
    }

    int sendsOf(String inviteId) {
        return sends.getOrDefault(inviteId, 0);
    }
}
