package io.roominvites.http;

import java.util.Map;

/** An HTTP response: status, headers and a text body (null for none). */
public record HttpResponse(int status, Map<String, String> headers, String body) {
}
