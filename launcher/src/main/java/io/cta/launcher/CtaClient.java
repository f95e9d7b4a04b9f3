package io.cta.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client of CTA's REST API, for the demo and the end-to-end tests. */
public final class CtaClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public CtaClient(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /** An HTTP answer: status, Location header (or null) and JSON body (or null). */
  public record Response(int status, String location, JsonNode body) {

    public Response expect(int expected) {
      if (status != expected) {
        throw new IllegalStateException(
            "expected HTTP " + expected + " but got " + status + ": " + body);
      }
      return this;
    }
  }

  public String base() {
    return base;
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public Response post(String path, Object body) {
    return send("POST", path, body);
  }

  /** Sends {@code body} as JSON: serialized, or as given when it is already JSON bytes. */
  public Response send(String method, String path, Object body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json");
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        byte[] bytes = body instanceof byte[] json ? json : JSON.writeValueAsBytes(body);
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
      }
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = response.body().isBlank() ? null : JSON.readTree(response.body());
      return new Response(
          response.statusCode(), response.headers().firstValue("Location").orElse(null), json);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
