package io.cta.consumer.notification;

import io.cta.consumer.config.ConsumerProperties;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
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
  private final boolean allowLocal;

  WebhookSender(ConsumerProperties properties) {
    this.timeout = properties.notifications().webhookTimeout();
    this.allowLocal = properties.notifications().allowLocalWebhooks();
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
    URI uri;
    HttpRequest.Builder request;
    try {
      uri = URI.create(url);
      request = HttpRequest.newBuilder(uri);
    } catch (IllegalArgumentException e) {
      throw new DeliveryException("invalid webhook URL", null, true);
    }
    if (!allowLocal) {
      refuseLocal(uri.getHost());
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

  /**
   * Refuses a host that resolves to this machine or its link (loopback, link-local such as cloud
   * metadata services, wildcard, multicast): a webhook must not let an editor make the consumer
   * post into its own host. Private network addresses stay allowed: on-premises receivers live
   * there.
   */
  private static void refuseLocal(String host) {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new DeliveryException("unknown webhook host " + host, null, false);
    }
    for (InetAddress address : addresses) {
      if (address.isLoopbackAddress()
          || address.isLinkLocalAddress()
          || address.isAnyLocalAddress()
          || address.isMulticastAddress()) {
        throw new DeliveryException(
            "webhook host "
                + host
                + " is a local address ("
                + address.getHostAddress()
                + "); set cta.consumer.notifications.allow-local-webhooks=true to allow it",
            null,
            true);
      }
    }
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
