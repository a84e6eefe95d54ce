package io.roominvites.http;

import java.util.Map;

/**
 * An HTTP request as the router sees it, whether it came from API Gateway or the local runner.
 *
 * @param headers header names in lower case
 * @param query   decoded query parameters (first value of each)
 * @param body    the body as text, null when there is none
 */
public record HttpRequest(String method, String path, Map<String, String> headers, Map<String, String> query,
                          String body, String requestId, String sourceIp) {

    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }
}
