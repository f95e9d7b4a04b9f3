package io.cta.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/** JSON over HTTP to the consumer's agent endpoints, authenticated with the agent token. */
public class ConsumerClient {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .findAndRegisterModules();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String token;

  public ConsumerClient(String server, String token) {
    this.base = URI.create(server.endsWith("/") ? server : server + "/");
    this.token = token;
  }

  /** Reads {@code path}; refusals as for {@link #post}. */
  public <T> T get(String path, Class<T> answer) throws IOException {
    return send(
        path,
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET(),
        answer);
  }

  public <T> T post(String path, Object body, Class<T> answer) throws IOException {
    return send(
        path,
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))),
        answer);
  }

  /**
   * Posts a file as the raw body, streamed from disk, with {@code query} as URL parameters. It asks
   * for {@code 100 Continue} first, so a consumer that refuses the file (too large) answers before
   * any of it is sent.
   */
  public <T> T upload(
      String path, Map<String, String> query, Path file, String contentType, Class<T> answer)
      throws IOException {
    StringJoiner parameters = new StringJoiner("&");
    query.forEach(
        (key, value) ->
            parameters.add(key + "=" + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return send(
        path,
        HttpRequest.newBuilder(base.resolve(path + "?" + parameters))
            .timeout(Duration.ofMinutes(10))
            .expectContinue(true)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofFile(file)),
        answer);
  }

  private <T> T send(String path, HttpRequest.Builder builder, Class<T> answer) throws IOException {
    HttpRequest request =
        builder
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new ConsumerException(
          response.statusCode(),
          path + " answered " + response.statusCode() + ": " + new String(response.body()),
          detail(response.body()));
    }
    // An answer without a body (204) is null.
    return response.body().length == 0 ? null : JSON.readValue(response.body(), answer);
  }

  /** The {@code detail} of a problem answer, or null. */
  private static String detail(byte[] body) {
    try {
      return JSON.readTree(body).path("detail").textValue();
    } catch (IOException notJson) {
      return null;
    }
  }

  /** The consumer refused a request (as opposed to being unreachable). */
  public static class ConsumerException extends IOException {
    private final int status;
    private final String detail;

    ConsumerException(int status, String message, String detail) {
      super(message);
      this.status = status;
      this.detail = detail;
    }

    /** The HTTP status the consumer answered. */
    public int status() {
      return status;
    }

    /** The problem's {@code detail}, else the message. */
    public String detail() {
      return detail != null ? detail : getMessage();
    }

    /**
     * 404: the consumer does not know what the request names. For a heartbeat that is this machine
     * (its registration was lost, for example with the embedded default's data): register again.
     */
    public boolean isNotFound() {
      return status == 404;
    }

    /** 4xx other than 408/429: sending the same request again will not help. */
    public boolean isPermanent() {
      return status / 100 == 4 && status != 408 && status != 429;
    }

    /**
     * A refusal of what was sent (400, 403, 404, 413, ...), as opposed to a consumer that is busy
     * (408, 429, 5xx) or a token it does not take now (401: an admin may fix it, so retry).
     */
    public boolean isBatchFault() {
      return isPermanent() && status != 401;
    }
  }
}
