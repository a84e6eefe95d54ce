package io.roominvites.contract;

import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records every AWS call a function makes, as the IAM permission it needs, so the test can hold the calls
 * against the function's role in template.yaml. Installed only in the child JVMs' function class loader, as an
 * SDK global interceptor ({@code software/amazon/awssdk/global/handlers/execution.interceptors} in the
 * recorder folder that {@link FunctionProcess} lays out), never on the test's own class path.
 *
 * <p>One line per permission, after the phase the runner is in ({@code init}, {@code snapstart} for the
 * CRaC hooks, {@code invoke}): {@code invoke dynamodb:GetItem table}, {@code invoke dynamodb:Query index/byStatus},
 * {@code invoke dynamodb:PutItem table tx} (an item written inside TransactWriteItems, which IAM authorises per
 * item), {@code invoke ses:SendEmail template/RoomInvitation}, ... Written to the file named by the system
 * property {@code contract.sdk.calls}.
 * Uses only SDK core types: the service model classes differ between the functions' jars.
 */
public final class SdkCallRecorder implements ExecutionInterceptor {
    private static final Map<String, String> PREFIX = Map.of("DynamoDb", "dynamodb", "SesV2", "ses",
            "Secrets Manager", "secretsmanager", "SecretsManager", "secretsmanager", "EventBridge", "events");

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String prefix = PREFIX.getOrDefault(service, service == null ? "unknown" : service.toLowerCase(java.util.Locale.ROOT));
        SdkRequest request = context.request();
        List<String> lines = new ArrayList<>();
        if ("dynamodb".equals(prefix)) {
            if (operation.equals("TransactWriteItems")) {
                for (Object item : request.getValueForField("TransactItems", List.class).orElse(List.of())) {
                    for (String[] kind : new String[][]{{"ConditionCheck", "ConditionCheckItem"}, {"Put", "PutItem"},
                            {"Update", "UpdateItem"}, {"Delete", "DeleteItem"}}) {
                        if (field(item, kind[0]) != null) {
                            lines.add("dynamodb:" + kind[1] + " table tx");
                        }
                    }
                }
            } else if (operation.equals("Query") || operation.equals("Scan")) {
                String index = request.getValueForField("IndexName", String.class).orElse(null);
                lines.add("dynamodb:" + operation + (index == null ? " table" : " index/" + index));
            } else {
                lines.add("dynamodb:" + operation + " table");
            }
        } else if ("ses".equals(prefix)) {
            Object template = request.getValueForField("TemplateName", String.class).orElse(null);
            if (template == null) {
                template = field(field(request.getValueForField("Content", Object.class).orElse(null), "Template"), "TemplateName");
            }
            lines.add("ses:" + operation + (template == null ? "" : " template/" + template));
        } else {
            lines.add(prefix + ":" + operation);
        }
        String phase = System.getProperty("contract.phase", "init");
        lines.replaceAll(l -> phase + " " + l);
        String file = System.getProperty("contract.sdk.calls");
        if (file == null) {
            return;
        }
        synchronized (SdkCallRecorder.class) {
            try {
                Files.writeString(Path.of(file), String.join("\n", lines) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static Object field(Object pojo, String memberName) {
        if (pojo instanceof SdkPojo p) {
            for (SdkField<?> f : p.sdkFields()) {
                if (f.memberName().equals(memberName)) {
                    return f.getValueOrDefault(pojo);
                }
            }
        }
        return null;
    }
}
