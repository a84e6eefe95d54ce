package io.roominvites.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One call of an AWS JSON-protocol API (a POST naming its operation in {@code X-Amz-Target}), signed with the SDK's
 * own SigV4 signer and sent on the given HTTP client: for a service called once or twice, where its SDK client would
 * cost a jar's megabytes and a cold start's build (Secrets Manager at init, SQS SendMessageBatch).
 */
public final class SignedJsonCall {
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    /** The answer's HTTP status and body (the error's {@code __type} is in the body). */
    public record Answer(int status, String body) {
    }

    private SignedJsonCall() {
    }

    /**
     * @param contentType the protocol's, {@code application/x-amz-json-1.0} or {@code -1.1}
     * @param target      {@code X-Amz-Target}, e.g. {@code AmazonSQS.SendMessageBatch}
     */
    public static Answer post(SdkHttpClient http, AwsCredentials identity, Region region, String signingName, URI endpoint,
                              String contentType, String target, byte[] payload) throws IOException {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", contentType)
                .putHeader("X-Amz-Target", target)
                .putHeader("Content-Length", Integer.toString(payload.length))
                .build();
        ContentStreamProvider body = ContentStreamProvider.fromByteArrayUnsafe(payload);
        SignedRequest signed = SIGNER.sign(r -> r.identity(identity).request(request).payload(body)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                .request(signed.request()).contentStreamProvider(signed.payload().orElse(body)).build()).call();
        try (InputStream in = response.responseBody().<InputStream>map(b -> b).orElseGet(InputStream::nullInputStream)) {
            return new Answer(response.httpResponse().statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * One call of an AWS REST-JSON API (the method and path name the operation, e.g. EventBridge Scheduler's
     * {@code PUT /schedules/{Name}}), signed and sent like {@link #post}; {@code payload} null for none.
     */
    public static Answer send(SdkHttpClient http, AwsCredentials identity, Region region, String signingName,
                              SdkHttpMethod method, URI uri, byte[] payload) throws IOException {
        // the query string as parameters (the signer signs them; a query left in the URI would be signed wrongly)
        URI base = URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath());
        SdkHttpFullRequest.Builder builder = SdkHttpFullRequest.builder().method(method).uri(base);
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                builder.appendRawQueryParameter(name, value);
            }
        }
        // no body at all for a GET or DELETE without one (an HTTP client given a body may turn a GET into a POST)
        ContentStreamProvider body = payload == null ? null : ContentStreamProvider.fromByteArrayUnsafe(payload);
        if (payload != null) {
            builder.putHeader("Content-Type", "application/json").putHeader("Content-Length", Integer.toString(payload.length));
        }
        SdkHttpFullRequest request = builder.build();
        SignedRequest signed = SIGNER.sign(r -> {
            r.identity(identity).request(request)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region.id());
            if (body != null) {
                r.payload(body);
            }
        });
        HttpExecuteRequest.Builder execute = HttpExecuteRequest.builder().request(signed.request());
        if (body != null) {
            execute.contentStreamProvider(signed.payload().orElse(body));
        }
        HttpExecuteResponse response = http.prepareRequest(execute.build()).call();
        try (InputStream in = response.responseBody().<InputStream>map(b -> b).orElseGet(InputStream::nullInputStream)) {
            return new Answer(response.httpResponse().statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
