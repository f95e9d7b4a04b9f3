package io.cta.consumer.notification;

import io.cta.consumer.config.ConsumerProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Posts an execution's summary as JSON, signed with HMAC-SHA256 over the exact body bytes when the
 * webhook has a secret (docs/notifications.md). Redirects are not followed.
 */
@Component
class WebhookSender {

  static final String EVENT = "execution.complete";
  static final String SIGNATURE = "X-CTA-Signature";
  static final String DELIVERY = "X-CTA-Delivery";
  static final String TIMESTAMP = "X-CTA-Timestamp";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The body: {@code sentAt} lets a receiver refuse replays, since the signature covers it. */
  record Payload(String event, String deliveryId, Instant sentAt, ExecutionSummary execution) {}

  private final HttpClient http;
  private final Duration timeout;

  WebhookSender(ConsumerProperties properties) {
    this.timeout = properties.notifications().webhookTimeout();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Sends one attempt; returns the receiver's 2xx status.
   *
   * @param deliveryId the same for every attempt of one notification, so receivers can deduplicate
   * @throws DeliveryException when the receiver cannot be reached or answers anything but 2xx
   */
  int send(String url, String secret, String deliveryId, ExecutionSummary summary) {
    Instant now = Instant.now();
    byte[] body = JSON.writeValueAsBytes(new Payload(EVENT, deliveryId, now, summary));
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(url));
    } catch (IllegalArgumentException e) {
      throw new DeliveryException("invalid webhook URL", null, true);
    }
    request
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "CTA")
        .header("X-CTA-Event", EVENT)
        .header(DELIVERY, deliveryId)
        .header(TIMESTAMP, String.valueOf(now.getEpochSecond()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (secret != null && !secret.isEmpty()) {
      request.header(SIGNATURE, "sha256=" + sign(secret, body));
    }
    int status;
    try {
      status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      String why = e.getMessage() == null ? "" : ": " + e.getMessage();
      throw new DeliveryException(e.getClass().getSimpleName() + why, null, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException("interrupted", null, false);
    }
    if (status < 200 || status > 299) {
      throw new DeliveryException("the receiver answered HTTP " + status, status, false);
    }
    return status;
  }

  /** The lowercase hex HMAC-SHA256 of {@code body} keyed with the UTF-8 bytes of the secret. */
  static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
