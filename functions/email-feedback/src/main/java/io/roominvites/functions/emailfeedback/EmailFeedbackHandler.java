package io.roominvites.functions.emailfeedback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.roominvites.app.App;
import io.roominvites.aws.AwsClients;
import io.roominvites.aws.Config;
import io.roominvites.lambda.LambdaApi;
import io.roominvites.metrics.Metrics;
import io.roominvites.service.EmailFeedback;
import io.roominvites.store.dynamo.DynamoInviteStore;

import java.util.Map;

/**
 * SES delivery reports (delivery, bounce, complaint, delivery delay), as the template's EventBridge rule delivers
 * them, recorded on their invites (the change stream then publishes the "Invite Email ..." event). A report that is
 * not an SES event is logged and dropped (it would never succeed); an outage throws, so EventBridge tries again.
 * Built once per container, at init.
 */
public final class EmailFeedbackHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final EmailFeedback FEEDBACK = LambdaApi.init(() -> feedback(Config.fromEnvironment()));

    static EmailFeedback feedback(Config config) {
        String table = config.required(Config.TABLE_NAME, "the DynamoDB table");
        String namespace = App.metricsNamespace(config);
        config.validate();
        Metrics.enable(namespace);
        return new EmailFeedback(new DynamoInviteStore(AwsClients.dynamoDb(), table));
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        long started = System.nanoTime();
        String result;
        try {
            result = FEEDBACK.record(event).name();
        } catch (IllegalArgumentException notSes) {
            result = "NOT_AN_SES_EVENT";
        }
        Metrics.request("EMAIL_FEEDBACK", result, 200, (System.nanoTime() - started) / 1e6);
        System.out.println("{\"event\":\"ses-report\",\"result\":\"" + result + "\",\"unknownMessages\":"
                + FEEDBACK.unknownMessages() + "}");
        return Map.of("result", result, "unknownMessages", FEEDBACK.unknownMessages());
    }
}
