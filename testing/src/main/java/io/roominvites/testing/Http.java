package io.roominvites.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntPredicate;

/** The plain HTTP calls the backends make to their emulators' stores of sent emails. */
final class Http {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private Http() {}

  /**
   * Sends with a 10 s timeout and reads the body as UTF-8; {@code server} names who did not
   * answer in the {@link UncheckedIOException}.
   */
  static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request, String server) {
    try {
      return http.send(
          request.timeout(REQUEST_TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(server + " did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /**
   * The response, when its status passes {@code ok}; else an {@link IllegalStateException} saying
   * "{@code <call> answered <status>: <body, abbreviated>}".
   */
  static HttpResponse<String> expect(HttpResponse<String> response, IntPredicate ok, String call) {
    if (!ok.test(response.statusCode())) {
      throw new IllegalStateException(
          call + " answered " + response.statusCode() + ": " + Json.abbreviate(response.body()));
    }
    return response;
  }

  static boolean isOk(int status) {
    return status == 200;
  }

  static boolean isSuccess(int status) {
    return status / 100 == 2;
  }
}
