package io.roominvites.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.roominvites.app.App;
import io.roominvites.http.HttpRequest;
import io.roominvites.http.HttpResponse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The thin Lambda side of every function: API Gateway HTTP API (payload 2.0) event in, the shared
 * router, response out. Subclasses only choose their operations.
 */
public abstract class LambdaApi implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final App app;

    protected LambdaApi(App app) {
        this.app = app;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        HttpResponse response = app.router().handle(toRequest(event, context));
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(response.headers())
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }

    /**
     * Builds a handler's app at init. A failure reaches the runtime as a {@link FunctionInitError} whose message is
     * the cause's own (for a configuration problem: every missing or malformed variable), not as an
     * {@code ExceptionInInitializerError} with the message only in its cause.
     */
    public static <T> T init(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (io.roominvites.aws.Config.ConfigException e) {
            throw new FunctionInitError(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new FunctionInitError("The function could not start: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    public static HttpRequest toRequest(APIGatewayV2HTTPEvent event, Context context) {
        Map<String, String> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        }
        Map<String, String> query = event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
        String body = event.getBody();
        if (body != null && event.getIsBase64Encoded()) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                body = "\u0000not base64";
            }
        }
        var rc = event.getRequestContext();
        String method = rc != null && rc.getHttp() != null ? rc.getHttp().getMethod() : "GET";
        String requestId = rc != null && rc.getRequestId() != null ? rc.getRequestId()
                : context != null ? context.getAwsRequestId() : UUID.randomUUID().toString();
        String sourceIp = rc != null && rc.getHttp() != null ? rc.getHttp().getSourceIp() : null;
        String path = event.getRawPath() != null ? event.getRawPath() : "/";
        return new HttpRequest(method, path, headers, query, body, requestId, sourceIp);
    }
}
