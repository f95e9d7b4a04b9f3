package io.cta.server.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WebhookUrlsTest {

  @Test
  void givenUrlsWithSecretsInPathQueryOrUserInfo_whenRedacted_thenOnlyWhereTheyGoIsLeft() {
    assertEquals(
        "https://hooks.slack.com/services/***",
        WebhookUrls.redact("https://hooks.slack.com/services/T000/B000/XXXXsecret"));
    assertEquals(
        "https://ci.example.com:8443/hook?***",
        WebhookUrls.redact("https://ci.example.com:8443/hook?token=s3cret&x=1"));
    assertEquals(
        "http://***@ci.example.com/a/***?***#***",
        WebhookUrls.redact("http://user:pw@ci.example.com/a/b/c?k=v#frag"));
  }

  @Test
  void givenUrlsWithNothingToHide_whenRedacted_thenTheyAreUnchanged() {
    for (String url :
        new String[] {
          "https://ci.example.com",
          "https://ci.example.com/",
          "https://ci.example.com/hook",
          "https://ci.example.com:8080/hook/"
        }) {
      assertEquals(url, WebhookUrls.redact(url));
      assertFalse(WebhookUrls.isRedacted(WebhookUrls.redact(url)));
    }
    assertTrue(WebhookUrls.isRedacted(WebhookUrls.redact("https://h/a/b")));
    assertEquals("***", WebhookUrls.redact("not a url with spaces"));
  }
}
