package io.roominvites.contract;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.roominvites.aws.Config;
import io.roominvites.aws.SignedJsonCall;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.json.Json;
import io.roominvites.testing.EmulatorBackend;
import io.roominvites.testing.StoredEmail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static io.roominvites.contract.SamTemplate.getAtt;
import static io.roominvites.contract.SamTemplate.list;
import static io.roominvites.contract.SamTemplate.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A second, independent AWS: every function of template.yaml run through {@code scripts/invoke.sh} ({@code sam local
 * invoke} without Docker), as {@link InvokeScriptTest} runs them, but against {@code moto_server} for DynamoDB (the
 * table as template.yaml declares it, stream included), SQS, EventBridge and Secrets Manager, with moto checking every
 * request's SigV4 signature ({@link MotoServer}); SES v2 is the aws-ses-v2-local emulator (moto has no SES v2
 * templates). moto validates requests more like AWS than DynamoDB Local does.
 *
 * <p>The flow is events/ in order (each answer as {@link SamContractTest#expectations()} says), with the signing keys
 * read from moto's Secrets Manager (generated as the template's GenerateSecretString says), plus what only deployed
 * wiring would do, done here with moto's own services:
 * <ul>
 *   <li>after 07a, a bulk batch (07a's event, in a room of its own) of {@value #QUEUED_BULK_ROWS} rows with sendEmail,
 *   so that create-invite hands its emails to moto's SQS email queue (SendMessageBatch); the messages read back from the
 *   queue are EmailQueueFunction's SQS event, as the event source mapping would build it, and every email reaches SES;</li>
 *   <li>after 08, an SES delivery report put on moto's default bus, matched by the template's EventBridgeRule pattern to
 *   a queue, read back and given to EmailFeedbackFunction (found through moto's byEmailMessage index);</li>
 *   <li>then the table's stream read back from moto (DynamoDB Streams GetRecords, the records exactly as moto sends
 *   them) in batches of the template's BatchSize for InviteEventsFunction, whose lifecycle events must reach moto's
 *   EventBridge bus (a rule to a queue, read back) and whose history items must be in moto's table.</li>
 * </ul>
 * SKIPPED with the reason where moto_server is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MotoBackendTest {
    /** Past BulkInvites.SEND_WITHIN_REQUEST (20): the batch's emails go through the queue. Small: moto is slow on big transactions. */
    static final int QUEUED_BULK_ROWS = 21;
    private static final String ROOM = "product-summit";
    private static final String QUEUED_ROOM = "moto-queued-emails";
    private static final String SCHEDULE_GROUP = "room-invites-moto-reminders";
    private static final String LIFECYCLE_TAP = "moto-test-lifecycle-events";
    private static final String SES_TAP = "moto-test-ses-reports";

    private MotoServer moto;
    private SamTemplate template;
    private SamLocalSupport idp;
    private Path envVars;
    private String table;
    private String streamArn;
    private String bus;
    private final Map<String, String> queueUrls = new LinkedHashMap<>();
    private final Map<String, String> vars = new HashMap<>();
    private final List<String> transcript = new ArrayList<>();
    private DynamoDbClient db;
    private SqsClient sqs;
    private boolean flowDone;

    // ================================================================== set-up: moto as template.yaml declares it

    /** Why the tests are skipped (moto_server missing), or null. */
    private String unavailable;

    @BeforeAll
    void start() throws Exception {
        String executable = MotoServer.executable();
        if (executable == null) {
            // each test is reported SKIPPED with it (an assumption failing here would hide them from the reports)
            unavailable = PythonTools.missing("moto_server (moto 5.2.1)", "pip install 'moto[server]==5.2.1', or -Dmoto.server=/path/to/moto_server");
            System.out.println(unavailable);
            return;
        }
        long started = System.nanoTime();
        moto = MotoServer.start(executable, SamContractTest.ROOT.resolve("integration-tests/target/moto"));
        template = SamTemplate.load(SamContractTest.TEMPLATE);
        db = moto.client(DynamoDbClient.builder()).build();
        sqs = moto.client(SqsClient.builder()).build();
        Map<String, Object> envJson = JSONObjectUtils.parse(Files.readString(SamContractTest.ENV_JSON));
        Map<String, Object> params = new LinkedHashMap<>(SamContractTest.section(envJson, "Parameters"));

        table = "room-invites-moto";
        TableDescription t = createTable(single("AWS::DynamoDB::Table"), table);
        streamArn = t.latestStreamArn();
        for (String q : template.ofType("AWS::SQS::Queue")) {
            createQueue(q);
        }
        bus = String.valueOf(params.get(Config.EVENT_BUS_NAME));
        String secretArn = createSecret(single("AWS::SecretsManager::Secret"));
        try (EventBridgeClient events = moto.client(EventBridgeClient.builder()).build()) {
            events.createEventBus(b -> b.name(bus));
            // what the bus's subscribers would get: every event the stream consumer puts on it
            tap(events, bus, "{\"source\":[\"room-invites\"]}", createTapQueue(LIFECYCLE_TAP));
            // SES reports on the default bus, matched by EmailFeedbackFunction's own EventBridgeRule pattern
                tap(events, "default", Json.write(map(eventSource("EmailFeedbackFunction", "EventBridgeRule").get("Pattern"))),
                    createTapQueue(SES_TAP));
        }

        try (SesV2Client ses = EmulatorBackend.shared().sesV2Client()) {
            SesEmailGateway.ensureTemplate(ses, EmailTemplate.fromJson(Files.readString(SamContractTest.EMAIL_TEMPLATE_FILE)));
            for (EmailTemplate followUp : EmailTemplate.defaults()) {
                SesEmailGateway.ensureTemplate(ses, followUp);
            }
        }
        // the reminders' schedule group (template.yaml's ReminderScheduleGroup), on moto's EventBridge Scheduler
        try (SdkHttpClient http = UrlConnectionHttpClient.create()) {
            SignedJsonCall.Answer group = SignedJsonCall.send(http, moto.credentials(), MotoServer.REGION, "scheduler",
                    software.amazon.awssdk.http.SdkHttpMethod.POST, moto.endpoint().resolve("/schedule-groups/" + SCHEDULE_GROUP),
                    "{}".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, group.status(), "CreateScheduleGroup: " + group.body());
        }
        idp = SamLocalSupport.start(InetAddress.getLoopbackAddress(), 0, String.valueOf(params.get("IDP_ISSUER")),
                String.valueOf(params.get("IDP_AUDIENCE")));
        String endpoint = moto.endpoint().toString();
        params.put(Config.TABLE_NAME, table);
        params.put("AWS_ENDPOINT_URL_DYNAMODB", endpoint);
        params.put("AWS_ENDPOINT_URL_EVENTBRIDGE", endpoint);
        params.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint);
        params.put("AWS_ENDPOINT_URL_SESV2", EmulatorBackend.shared().sesEndpoint().toString());
        // the keys come from moto's Secrets Manager, not from env.json
        params.put(Config.SIGNING_KEY_SECRET_ID, secretArn);
        params.put(Config.SIGNING_KEYS_JSON, "");
        params.put(Config.EMAIL_QUEUE_URL, queueUrls.get(SamTemplate.ref(template.environment("CreateInviteFunction")
                .get(Config.EMAIL_QUEUE_URL))));
        params.put(Config.ERASURE_QUEUE_URL, queueUrls.get(SamTemplate.ref(template.environment("AdminFunction")
                .get(Config.ERASURE_QUEUE_URL))));
        // the stream consumer's follow-ups (calendar updates and cancellations, reminder schedules) on moto too
        String followUps = SamTemplate.ref(template.environment("InviteEventsFunction").get(Config.FOLLOW_UP_QUEUE_URL));
        params.put(Config.FOLLOW_UP_QUEUE_URL, queueUrls.get(followUps));
        params.put(Config.FOLLOW_UP_QUEUE_ARN, queueArn(followUps));
        params.put(Config.REMINDER_SCHEDULE_GROUP, SCHEDULE_GROUP);
        params.put(Config.REMINDER_SCHEDULE_ROLE_ARN, "arn:aws:iam::" + MotoServer.ACCOUNT + ":role/room-invites-reminders");
        params.put("AWS_ENDPOINT_URL_SCHEDULER", endpoint);
        params.put(Config.IDP_JWKS_URL, idp.jwksUrl().toString());
        Map<String, Object> file = new LinkedHashMap<>(envJson);
        file.put("Parameters", params);
        envVars = Files.createTempFile("moto-env", ".json");
        Files.writeString(envVars, Json.write(file));
        System.out.printf("moto: moto_server on %s, table, %d queues, bus and secret ready in %d ms%n", endpoint,
                queueUrls.size(), (System.nanoTime() - started) / 1_000_000);
    }

    @BeforeEach
    void motoIsHere() {
        Assumptions.assumeTrue(unavailable == null, unavailable);
    }

    @AfterAll
    void stop() throws IOException {
        if (db != null) {
            db.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (idp != null) {
            idp.close();
        }
        if (moto != null) {
            moto.close();
        }
        if (envVars != null) {
            Files.deleteIfExists(envVars);
        }
    }

    /** The one resource of a type in template.yaml. */
    private String single(String type) {
        List<String> ids = template.ofType(type);
        assertEquals(1, ids.size(), "template.yaml's " + type + " resources: " + ids);
        return ids.getFirst();
    }

    /** CreateTable (and UpdateTimeToLive) from the template's properties: keys, indexes, billing, stream, TTL. */
    private TableDescription createTable(String logicalId, String name) {
        Map<String, Object> p = template.properties(logicalId);
        List<AttributeDefinition> attributes = list(p.get("AttributeDefinitions")).stream().map(SamTemplate::map)
                .map(a -> AttributeDefinition.builder().attributeName((String) a.get("AttributeName"))
                        .attributeType((String) a.get("AttributeType")).build()).toList();
        List<GlobalSecondaryIndex> indexes = list(p.get("GlobalSecondaryIndexes")).stream().map(SamTemplate::map)
                .map(i -> {
                    Map<String, Object> projection = map(i.get("Projection"));
                    Projection.Builder pb = Projection.builder().projectionType((String) projection.get("ProjectionType"));
                    if (projection.containsKey("NonKeyAttributes")) {
                        pb.nonKeyAttributes(list(projection.get("NonKeyAttributes")).stream().map(String::valueOf).toList());
                    }
                    return GlobalSecondaryIndex.builder().indexName((String) i.get("IndexName"))
                            .keySchema(keySchema(i.get("KeySchema"))).projection(pb.build()).build();
                }).toList();
        Map<String, Object> stream = map(p.get("StreamSpecification"));
        db.createTable(b -> b.tableName(name).billingMode(BillingMode.fromValue((String) p.get("BillingMode")))
                .attributeDefinitions(attributes).keySchema(keySchema(p.get("KeySchema"))).globalSecondaryIndexes(indexes)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.fromValue((String) stream.get("StreamViewType")))));
        Map<String, Object> ttl = map(p.get("TimeToLiveSpecification"));
        db.updateTimeToLive(b -> b.tableName(name).timeToLiveSpecification(s -> s.attributeName((String) ttl.get("AttributeName"))
                .enabled(Boolean.TRUE.equals(ttl.get("Enabled")))));
        TableDescription t = db.describeTable(b -> b.tableName(name)).table();
        assertNotNull(t.latestStreamArn(), "moto gave the table a stream: " + t);
        assertEquals(indexes.size(), t.globalSecondaryIndexes().size(), "moto's table has the template's indexes: " + t);
        assertEquals(ttl.get("AttributeName"), db.describeTimeToLive(b -> b.tableName(name)).timeToLiveDescription().attributeName());
        return t;
    }

    private static List<KeySchemaElement> keySchema(Object ks) {
        return list(ks).stream().map(SamTemplate::map).map(k -> KeySchemaElement.builder()
                .attributeName((String) k.get("AttributeName")).keyType((String) k.get("KeyType")).build()).toList();
    }

    /** An SQS queue of the template, named after its logical id, with its literal attributes and its redrive policy. */
    private void createQueue(String logicalId) {
        Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
        template.properties(logicalId).forEach((k, v) -> {
            if (v instanceof Number || v instanceof Boolean) {
                attributes.put(QueueAttributeName.fromValue(k), String.valueOf(v));
            } else if (k.equals("RedrivePolicy")) {
                Map<String, Object> redrive = new LinkedHashMap<>(map(v));
                String target = getAtt(redrive.get("deadLetterTargetArn")).getFirst();
                redrive.put("deadLetterTargetArn", queueArn(target));
                attributes.put(QueueAttributeName.REDRIVE_POLICY, Json.write(redrive));
            }
        });
        // a dead-letter queue first: the redrive policy names it
        if (attributes.containsKey(QueueAttributeName.REDRIVE_POLICY)) {
            String target = getAtt(map(template.properties(logicalId).get("RedrivePolicy")).get("deadLetterTargetArn")).getFirst();
            if (!queueUrls.containsKey(target)) {
                createQueue(target);
            }
        }
        if (!queueUrls.containsKey(logicalId)) {
            queueUrls.put(logicalId, sqs.createQueue(b -> b.queueName(logicalId).attributes(attributes)).queueUrl());
        }
    }

    private String createTapQueue(String name) {
        queueUrls.put(name, sqs.createQueue(b -> b.queueName(name)).queueUrl());
        return name;
    }

    private static String queueArn(String name) {
        return "arn:aws:sqs:" + MotoServer.REGION.id() + ":" + MotoServer.ACCOUNT + ":" + name;
    }

    private void tap(EventBridgeClient events, String busName, String pattern, String queue) {
        String rule = queue + "-rule";
        events.putRule(b -> b.name(rule).eventBusName(busName).eventPattern(pattern));
        // the whole event, as EventBridge hands it to a target; spelled out because moto, without an InputTransformer,
        // parses eight JSONPaths per event and target (0.1 s each here): the stream consumer's PutEvents of ten entries
        // would outlast the SDK's 4 s attempt timeout
        events.putTargets(b -> b.rule(rule).eventBusName(busName).targets(Target.builder().id("tap").arn(queueArn(queue))
                .inputTransformer(x -> x.inputPathsMap(Map.of("id", "$.id")).inputTemplate("<aws.events.event.json>")).build()));
    }

    /** The signing-key secret as CloudFormation's GenerateSecretString makes it, with moto's GetRandomPassword. */
    private String createSecret(String logicalId) throws java.text.ParseException {
        Map<String, Object> generate = map(template.properties(logicalId).get("GenerateSecretString"));
        try (SecretsManagerClient secrets = moto.client(SecretsManagerClient.builder()).build()) {
            String random = secrets.getRandomPassword(b -> b.passwordLength(((Number) generate.get("PasswordLength")).longValue())
                    .excludePunctuation(Boolean.TRUE.equals(generate.get("ExcludePunctuation")))).randomPassword();
            Map<String, Object> value = new LinkedHashMap<>(JSONObjectUtils.parse(String.valueOf(generate.get("SecretStringTemplate"))));
            value.put(String.valueOf(generate.get("GenerateStringKey")), random);
            return secrets.createSecret(b -> b.name("room-invites-moto-signing-keys").secretString(Json.write(value))).arn();
        }
    }

    // ================================================================== the HTTP functions, events/ in order

    @Test
    @Order(1)
    void everyEventAnswersAgainstMotoAsTheContractSays() throws Exception {
        Map<String, SamContractTest.Expected> expected = SamContractTest.expectations();
        Map<String, String> routeOwner = new HashMap<>();
        template.functions().forEach(fn -> template.httpApiRoutes(fn).forEach(r -> routeOwner.put(r, fn)));
        vars.putAll(idp.tokens());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        vars.put("STARTS_AT", now.minus(5, ChronoUnit.MINUTES).toString());
        vars.put("ENDS_AT", now.plus(1, ChronoUnit.HOURS).toString());
        long started = System.nanoTime();
        for (Path file : SamContractTest.eventFiles()) {
            String name = file.getFileName().toString();
            String event = SamContractTest.substitute(Files.readString(file), vars, true);
            String fn = routeOwner.get(String.valueOf(JSONObjectUtils.parse(event).get("routeKey")));
            assertNotNull(fn, name + ": no function serves it");
            Map<String, Object> body = http(name, fn, event, expected.get(name).status());
            expected.get(name).check().accept(body, vars);
            switch (name) {
                case "07-create-invite.json" -> assertInvite(vars.get("INVITE_ID"), "PENDING");
                case "07a-bulk-invites.json" -> bulkThroughTheEmailQueue();
                case "08-resend-invite.json" -> sesReportsThroughTheDefaultBus();
                case "15-revoke-invite.json" -> assertInvite(vars.get("INVITE_ID"), "REVOKED");
                case "17a-admin-get-erasure.json" -> erasureThroughItsQueue();
                default -> {
                }
            }
        }
        flowDone = true;
        System.out.println("moto: scripts/invoke.sh, every event (" + (System.nanoTime() - started) / 1_000_000 + " ms):\n  "
                + String.join("\n  ", transcript));
    }

    /** One HTTP API event through invoke.sh: the expected status, never a function error; answers the body. */
    private Map<String, Object> http(String name, String fn, String event, int status) throws Exception {
        Invocation r = invoke(name, fn, event);
        Map<String, Object> response = JSONObjectUtils.parse(r.stdout().strip());
        int actual = ((Number) response.get("statusCode")).intValue();
        String body = response.get("body") instanceof String s ? s : null;
        assertEquals(status, actual, name + " (" + fn + "): " + body + "\nstderr: " + r.stderr());
        return SamContractTest.answerBody(body);
    }

    /** The invite's item is in moto's table, with that status. */
    private void assertInvite(String inviteId, String status) {
        Map<String, AttributeValue> item = db.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("INVITE#" + ROOM + "#" + inviteId), "sk", AttributeValue.fromS("#INVITE")))).item();
        assertTrue(item != null && !item.isEmpty(), "invite " + inviteId + " is in moto's table");
        assertTrue(item.toString().contains(status), "invite " + inviteId + " in moto's table is " + status + ": " + item);
    }

    // ================================================================== SQS: create-invite to email-queue

    /**
     * 07a's event with {@value #QUEUED_BULK_ROWS} rows and sendEmail, in a room of its own (03's event): create-invite
     * queues the emails on moto's queue (SendMessageBatch, signed by SignedJsonCall); the messages read back are
     * EmailQueueFunction's event. (In 07a's room the batch would push 07's invite off 09's first page, and make 16's
     * room deletion update {@value #QUEUED_BULK_ROWS} more invites, more than moto keeps within the SDK's timeouts on a
     * busy machine.)
     */
    private void bulkThroughTheEmailQueue() throws Exception {
        http("03's event for room " + QUEUED_ROOM, "AdminFunction", inRoom("03-admin-put-room.json"), 200);
        Map<String, Object> event = new LinkedHashMap<>(JSONObjectUtils.parse(inRoom("07a-bulk-invites.json")));
        StringBuilder csv = new StringBuilder("email,firstName,lastName,role\r\n");
        for (int i = 1; i <= QUEUED_BULK_ROWS; i++) {
            csv.append(String.format("queued.guest%02d@example.org,Guest,Number %d,VIEWER\r\n", i, i));
        }
        event.put("body", csv.toString());
        event.put("rawQueryString", "sendEmail=true");
        event.put("queryStringParameters", Map.of("sendEmail", "true"));
        Map<String, Object> headers = new LinkedHashMap<>(map(event.get("headers")));
        headers.put("idempotency-key", "moto-queued-bulk");
        event.put("headers", headers);
        Map<String, Object> rc = new LinkedHashMap<>(map(event.get("requestContext")));
        rc.put("requestId", "m0toQueuedBulk=");
        event.put("requestContext", rc);
        Map<String, Object> body = http("bulk of " + QUEUED_BULK_ROWS + " with sendEmail", "CreateInviteFunction", Json.write(event), 200);
        assertEquals(QUEUED_BULK_ROWS, ((Number) body.get("created")).intValue(), "bulk: " + body);

        String queue = SamTemplate.ref(template.environment("CreateInviteFunction").get(Config.EMAIL_QUEUE_URL));
        List<Message> messages = receive(queue, 1);
        assertTrue(!messages.isEmpty(), "create-invite put the batch's emails on moto's queue " + queue);
        deliver(queue, "EmailQueueFunction", messages);
        Set<String> emailed = new TreeSet<>();
        for (StoredEmail mail : EmulatorBackend.shared().sentEmails()) {
            mail.to().stream().filter(a -> a.startsWith("queued.guest")).forEach(emailed::add);
        }
        assertEquals(QUEUED_BULK_ROWS, emailed.size(), "every queued invitation was emailed through SES: " + emailed);
    }

    /**
     * 17's erasure: the admin function put its job on moto's erasure queue (SendMessageBatch, signed by SignedJsonCall);
     * the message read back is ErasureFunction's event; then 17a's event finds the erasure DONE.
     */
    private void erasureThroughItsQueue() throws Exception {
        String queue = SamTemplate.ref(template.environment("AdminFunction").get(Config.ERASURE_QUEUE_URL));
        List<Message> messages = receive(queue, 1);
        assertEquals(1, messages.size(), "the admin function put the erasure's job on moto's queue " + queue);
        deliver(queue, "ErasureFunction", messages);
        Map<String, Object> done = http("17a's event after the job", "AdminFunction",
                SamContractTest.substitute(Files.readString(SamContractTest.EVENTS.resolve("17a-admin-get-erasure.json")), vars, true), 200);
        assertEquals("DONE", done.get("status"), "the erasure after its job: " + done);
        assertEquals(1, ((Number) done.get("invitesErased")).intValue(), "the flow's invite of the invitee: " + done);
    }

    /** Hands {@code messages} of {@code queue} to {@code fn} as the event source mapping does, then deletes them. */
    private void deliver(String queue, String fn, List<Message> messages) throws Exception {
        int batchSize = ((Number) eventSource(fn, "SQS").get("BatchSize")).intValue();
        List<Object> records = new ArrayList<>();
        for (Message m : messages) {
            // as the event source mapping hands SQS messages to a function
            Map<String, Object> attributes = new LinkedHashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", m.receiptHandle());
            record.put("body", m.body());
            record.put("attributes", attributes);
            record.put("messageAttributes", Map.of());
            record.put("md5OfBody", m.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queueArn(queue));
            record.put("awsRegion", MotoServer.REGION.id());
            records.add(record);
        }
        for (int from = 0; from < records.size(); from += batchSize) {
            List<Object> batch = records.subList(from, Math.min(records.size(), from + batchSize));
            Invocation r = invoke("moto's " + queue + " (" + batch.size() + " of " + messages.size() + " messages)", fn,
                    Json.write(Map.of("Records", batch)));
            Map<String, Object> answer = JSONObjectUtils.parse(r.stdout().strip());
            assertEquals(List.of(), answer.get("batchItemFailures"), fn + "'s answer: " + answer + "\nstderr: " + r.stderr());
        }
        for (Message m : messages) { // what the event source mapping does after a success
            sqs.deleteMessage(b -> b.queueUrl(queueUrls.get(queue)).receiptHandle(m.receiptHandle()));
        }
    }

    /** An events/ file, its placeholders filled, for {@link #QUEUED_ROOM} instead of its own room. */
    private String inRoom(String file) throws IOException {
        return SamContractTest.substitute(Files.readString(SamContractTest.EVENTS.resolve(file)), vars, true).replace(ROOM, QUEUED_ROOM);
    }

    /** Receives until {@code atLeast} messages came or the queue stays empty for a second. */
    private List<Message> receive(String queue, int atLeast) {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrls.get(queue)).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            out.addAll(batch);
            if (batch.isEmpty() && out.size() >= atLeast) {
                break;
            }
        }
        return out;
    }

    // ================================================================== EventBridge: SES reports to email-feedback

    /**
     * A delivery report of the resent email, put on moto's default bus as SES puts it, delivered by the template's rule
     * pattern, handed to EmailFeedbackFunction, which finds the invite through moto's byEmailMessage index.
     */
    private void sesReportsThroughTheDefaultBus() throws Exception {
        String report = Files.readString(SamContractTest.EVENTS.resolve("ses/delivery.json"));
        Map<String, String> expected = Map.of(vars.get("messageId:resend"), "RECORDED");
        try (EventBridgeClient events = moto.client(EventBridgeClient.builder()).build()) {
            for (String messageId : expected.keySet()) {
                Map<String, Object> e = JSONObjectUtils.parse(report.replace("${MESSAGE_ID}", messageId));
                var put = events.putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName("default")
                        .source(String.valueOf(e.get("source"))).detailType(String.valueOf(e.get("detail-type")))
                        .detail(Json.write(map(e.get("detail"))))
                        .resources(list(e.get("resources")).stream().map(String::valueOf).toList()).build()));
                assertEquals(0, put.failedEntryCount(), "moto's PutEvents: " + put);
            }
        }
        List<Message> delivered = receive(SES_TAP, expected.size());
        assertEquals(expected.size(), delivered.size(), "the template's SES rule pattern matched each report on moto's bus");
        Map<String, String> results = new LinkedHashMap<>();
        for (Message m : delivered) {
            Map<String, Object> event = JSONObjectUtils.parse(m.body());
            String messageId = String.valueOf(map(map(event.get("detail")).get("mail")).get("messageId"));
            Invocation r = invoke("SES report of " + messageId, "EmailFeedbackFunction", m.body());
            results.put(messageId, String.valueOf(JSONObjectUtils.parse(r.stdout().strip()).get("result")));
        }
        assertEquals(expected, results, "EmailFeedbackFunction's answers to the reports moto delivered");
    }

    // ================================================================== the stream: invite-events to EventBridge

    @Test
    @Order(2)
    void motosStreamHasTheWritesAndTheStreamConsumerPublishesThemOnMotosBus() throws Exception {
        Assumptions.assumeTrue(flowDone, "the HTTP flow did not complete (see its failure): nothing to read back");
        List<Map<String, Object>> records = streamRecords();
        Map<String, Integer> byName = new HashMap<>();
        records.forEach(r -> byName.merge(String.valueOf(r.get("eventName")), 1, Integer::sum));
        String inviteKey = "INVITE#" + ROOM + "#" + vars.get("INVITE_ID");
        List<Map<String, Object>> ofInvite = records.stream()
                .filter(r -> String.valueOf(map(r.get("dynamodb")).get("Keys")).contains(inviteKey)).toList();
        assertTrue(byName.getOrDefault("INSERT", 0) > 0 && byName.getOrDefault("MODIFY", 0) > 0,
                "moto's stream has inserts and modifications: " + byName);
        assertTrue(ofInvite.size() >= 2 && "INSERT".equals(ofInvite.getFirst().get("eventName")),
                "the stream has the invite's creation and changes: " + ofInvite.size());
        Map<String, Object> change = map(ofInvite.getLast().get("dynamodb"));
        assertTrue(change.containsKey("OldImage") && change.containsKey("NewImage"),
                "NEW_AND_OLD_IMAGES, as the template declares: " + change.keySet());

        // the records as the event source mapping hands them over: those its filter lets through, in batches of its BatchSize
        Map<String, Object> mapping = eventSource("InviteEventsFunction", "DynamoDB");
        List<Map<String, Object>> delivered = records.stream().filter(r -> SamTemplate.passesFilters(mapping, r)).toList();
        assertTrue(delivered.stream().anyMatch(r -> String.valueOf(map(r.get("dynamodb")).get("Keys")).contains(inviteKey)),
                "the mapping's filter lets the invite's changes through");
        int batchSize = ((Number) mapping.get("BatchSize")).intValue();
        for (int from = 0; from < delivered.size(); from += batchSize) {
            List<Map<String, Object>> batch = delivered.subList(from, Math.min(delivered.size(), from + batchSize));
            Invocation r = invoke("moto's stream records " + from + ".." + (from + batch.size() - 1), "InviteEventsFunction",
                    Json.write(Map.of("Records", batch)));
            Map<String, Object> answer = JSONObjectUtils.parse(r.stdout().strip());
            assertEquals(List.of(), answer.get("batchItemFailures"), "InviteEventsFunction's answer: " + answer + "\nstderr: " + r.stderr());
        }

        // the lifecycle events reached moto's bus (read back through a rule to a queue)
        List<String> types = new ArrayList<>();
        for (Message m : receive(LIFECYCLE_TAP, 1)) {
            Map<String, Object> e = JSONObjectUtils.parse(m.body());
            assertEquals("room-invites", e.get("source"), "an event's source: " + m.body());
            types.add(String.valueOf(e.get("detail-type")));
        }
        Set<String> seen = new LinkedHashSet<>(types);
        for (String type : List.of("Invite Created", "Invite Emailed", "Invite Email Delivered", "Invite Reissued",
                "Invite Redeemed", "Invite Promoted", "Invite Device Released", "Invite Revoked")) {
            assertTrue(seen.contains(type), "moto's bus got an \"" + type + "\" event; it got " + types);
        }
        // and each invite's history is in moto's table
        int history = db.query(b -> b.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :e)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(inviteKey), ":e", AttributeValue.fromS("EVENT#")))).count();
        assertTrue(history >= 6, "the invite's history items in moto's table: " + history);
        System.out.println("moto: stream records " + byName + ", lifecycle events on the bus " + types.size() + " " + seen
                + ", history items of " + vars.get("INVITE_ID") + ": " + history);

        // the follow-ups the stream consumer started, on moto's queues: the revoke's cancellation job (the email
        // queue) and the room delete's cancellation fan-out (the follow-up queue); their consumers take them as the
        // event source mappings would, and send nothing: 17's erasure erased the invitee meanwhile
        String followUpQueue = SamTemplate.ref(template.environment("InviteEventsFunction").get(Config.FOLLOW_UP_QUEUE_URL));
        String emailQueue = SamTemplate.ref(template.environment("InviteEventsFunction").get(Config.EMAIL_QUEUE_URL));
        List<Message> fanOuts = receive(followUpQueue, 1);
        assertTrue(fanOuts.stream().anyMatch(m -> m.body().contains("\"CALENDAR_CANCEL\"") && m.body().contains(ROOM)),
                "the room's deletion fanned out its cancellations: " + fanOuts.stream().map(Message::body).toList());
        deliver(followUpQueue, "FollowUpFunction", fanOuts);
        List<Message> jobs = receive(emailQueue, 1);
        assertTrue(jobs.stream().anyMatch(m -> m.body().contains("\"CALENDAR_CANCEL\"") && m.body().contains(vars.get("INVITE_ID"))),
                "the revoke's cancellation job: " + jobs.stream().map(Message::body).toList());
        int sent = EmulatorBackend.shared().sentEmails().size();
        deliver(emailQueue, "EmailQueueFunction", jobs);
        assertEquals(sent, EmulatorBackend.shared().sentEmails().size(), "no cancellation to an erased invitee");
    }

    @Test
    @Order(3)
    void remindersAreScheduledMovedAndDeletedOnMotosScheduler() throws Exception {
        try (SdkHttpClient http = UrlConnectionHttpClient.create()) {
            io.roominvites.eventbus.SchedulerReminderSchedules schedules = new io.roominvites.eventbus.SchedulerReminderSchedules(
                    http, software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(moto.credentials()),
                    MotoServer.REGION, moto.endpoint(), SCHEDULE_GROUP,
                    queueArn(SamTemplate.ref(template.environment("InviteEventsFunction").get(Config.FOLLOW_UP_QUEUE_URL))),
                    "arn:aws:iam::" + MotoServer.ACCOUNT + ":role/room-invites-reminders");
            Instant at = Instant.parse("2031-05-04T09:00:00Z");
            schedules.put("room/with:odd chars", 60, at, "{\"followUp\":\"REMINDER\"}");
            Map<String, Object> created = schedules.describe("room/with:odd chars", 60);
            assertNotNull(created, "the schedule is on moto");
            assertEquals("at(2031-05-04T09:00:00)", created.get("ScheduleExpression"));
            assertEquals("UTC", created.get("ScheduleExpressionTimezone"));
            assertEquals("DELETE", created.get("ActionAfterCompletion"));
            assertEquals(SCHEDULE_GROUP, created.get("GroupName"));
            assertEquals("{\"followUp\":\"REMINDER\"}", map(created.get("Target")).get("Input"));
            // moved (the room rescheduled): the same schedule, a new time; a delivery of the same change again
            schedules.put("room/with:odd chars", 60, at.plusSeconds(7200), "{\"followUp\":\"REMINDER\",\"moved\":1}");
            schedules.put("room/with:odd chars", 60, at.plusSeconds(7200), "{\"followUp\":\"REMINDER\",\"moved\":1}");
            assertEquals("at(2031-05-04T11:00:00)", schedules.describe("room/with:odd chars", 60).get("ScheduleExpression"));
            // deleted (the room deleted, or the reminder no longer wanted); again: nothing there is no error
            schedules.delete("room/with:odd chars", 60);
            schedules.delete("room/with:odd chars", 60);
            assertEquals(null, schedules.describe("room/with:odd chars", 60));
        }
    }

    /** The Properties of the function's one event of that type (its event source mapping or rule in template.yaml). */
    private Map<String, Object> eventSource(String fn, String type) {
        return map(map(map(template.properties(fn).get("Events")).values().stream().filter(e -> type.equals(map(e).get("Type")))
                .findFirst().orElseThrow(() -> new AssertionError(fn + " has no " + type + " event"))).get("Properties"));
    }

    /** Every record of the table's stream, read from moto with GetRecords (raw: the JSON moto sends, as Lambda reads it). */
    private List<Map<String, Object>> streamRecords() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (DynamoDbStreamsClient streams = moto.client(DynamoDbStreamsClient.builder()).build();
             SdkHttpClient http = UrlConnectionHttpClient.create()) {
            List<Shard> shards = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards();
            assertTrue(!shards.isEmpty(), "moto's stream has a shard");
            for (Shard shard : shards) {
                String iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                while (iterator != null) {
                    SignedJsonCall.Answer a = SignedJsonCall.post(http, moto.credentials(), MotoServer.REGION, "dynamodb", moto.endpoint(),
                            "application/x-amz-json-1.0", "DynamoDBStreams_20120810.GetRecords",
                            Json.write(Map.of("ShardIterator", iterator)).getBytes(StandardCharsets.UTF_8));
                    assertEquals(200, a.status(), "GetRecords: " + a.body());
                    Map<String, Object> page = JSONObjectUtils.parse(a.body());
                    List<Object> records = list(page.get("Records"));
                    for (Object o : records) {
                        Map<String, Object> record = new LinkedHashMap<>(map(o));
                        record.put("eventSourceARN", streamArn);
                        out.add(record);
                    }
                    iterator = records.isEmpty() ? null : (String) page.get("NextShardIterator");
                }
            }
        }
        return out;
    }

    // ================================================================== invoke.sh

    private record Invocation(String stdout, String stderr) {
    }

    /** scripts/invoke.sh FN - --env-vars (this test's), the event on stdin; fails on anything but an answer. */
    private Invocation invoke(String what, String fn, String event) throws Exception {
        long started = System.nanoTime();
        // the region and the credentials moto checks signatures with, as sam local passes them from the caller's shell
        InvokeScriptTest.Result r = InvokeScriptTest.run(List.of(fn, "-", "--env-vars", envVars.toString()), event, Map.of(
                "AWS_REGION", MotoServer.REGION.id(), "AWS_ACCESS_KEY_ID", moto.credentials().accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", moto.credentials().secretAccessKey()));
        transcript.add(what + " -> " + fn + " -> exit " + r.exit() + " (" + (System.nanoTime() - started) / 1_000_000 + " ms)");
        if (r.exit() != 0) {
            fail(what + ": scripts/invoke.sh " + fn + " exited " + r.exit() + "\nstdout: " + r.stdout() + "\nstderr: " + r.stderr()
                    + "\n" + String.join("\n", transcript) + "\nmoto_server's log:\n" + moto.logTail());
        }
        for (String line : r.stderr().lines().toList()) {
            // a function that caught an AWS error and carried on would still answer: its log must not show one
            if (line.contains("SignatureDoesNotMatch") || line.contains("\"level\":\"ERROR\"")) {
                fail(what + ": " + fn + " logged an error against moto: " + line + "\nstderr: " + r.stderr());
            }
        }
        return new Invocation(r.stdout(), r.stderr());
    }
}
