package software.amazon.awssdk.regions;

import software.amazon.awssdk.regions.servicemetadata.DynamodbServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.EmailServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.EventsServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.SecretsmanagerServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.StsServiceMetadata;

import java.util.Map;

/**
 * room-invites: a slim replacement, in the function jars only, of the AWS SDK's generated class of the same
 * name. The SDK's version builds, in its static initialiser, the endpoint metadata of every AWS service
 * (about 310 classes, 0.7 MB of each jar and a noticeable share of a cold start, measured in
 * bench/results/latest.md) when a client is built, although a function only ever asks for its own clients'
 * services. This one knows exactly those: DynamoDB, Secrets Manager, SES v2 ({@code email}), EventBridge
 * ({@code events}) and STS; for any
 * other name it answers null, and {@link ServiceMetadata#of} then falls back to the SDK's generic
 * {@code DefaultServiceMetadata}, as it does for any service it does not know.
 *
 * <p>Compiled into each function module (see functions/pom.xml: {@code compileSourceRoots}); the functions' shade
 * configuration, in the same pom, leaves the SDK's own class and the other services' metadata out of the jar. A new SDK client
 * in a function needs its service's entry here (the endpoint prefix, as in the SDK's generated class).
 */
public final class GeneratedServiceMetadataProvider implements ServiceMetadataProvider {
    private static final Map<String, ServiceMetadata> SERVICE_METADATA = Map.of(
            "dynamodb", new DynamodbServiceMetadata(),
            "email", new EmailServiceMetadata(),
            "events", new EventsServiceMetadata(),
            "secretsmanager", new SecretsmanagerServiceMetadata(),
            "sts", new StsServiceMetadata());

    @Override
    public ServiceMetadata serviceMetadata(String endpointPrefix) {
        return SERVICE_METADATA.get(endpointPrefix);
    }
}
