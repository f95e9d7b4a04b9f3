package io.cta.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

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

  public <T> T post(String path, Object body, Class<T> answer) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
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
          path + " answered " + response.statusCode() + ": " + new String(response.body()));
    }
    return JSON.readValue(response.body(), answer);
  }

  /** The consumer refused a request (as opposed to being unreachable). */
  public static class ConsumerException extends IOException {
    private final int status;

    ConsumerException(int status, String message) {
      super(message);
      this.status = status;
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
