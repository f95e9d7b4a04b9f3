package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Without a secret key the api starts, works, and its secret endpoints answer 503. */
class SecretsWithoutKeyApiTest extends ApiHttpTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    serversWithoutSecretKey(registry, "cta-no-secret-key");
  }

  @Test
  void givenNoSecretKey_whenSecretsAreUsed_thenEach503SaysSoAndTheRestWorks() throws Exception {
    HttpResponse<String> list = send("GET", "/api/v1/secrets", null, ADMIN);
    HttpResponse<String> create =
        send("POST", "/api/v1/secrets", "{\"name\": \"a\", \"value\": \"v\"}", ADMIN);
    HttpResponse<String> suite =
        send(
            "POST",
            "/api/v1/suites",
            """
            {"name": "s", "tests": [{"id": "t1", "stages": [{"run": "true",
             "env": {"A": "${secret:a}"}}]}]}
            """,
            ADMIN);

    assertEquals(503, list.statusCode(), list.body());
    assertTrue(list.body().contains("no secret key configured"), list.body());
    assertTrue(
        list.headers().firstValue("Content-Type").orElse("").contains("problem+json"), list.body());
    assertEquals(503, create.statusCode(), create.body());
    assertEquals(400, suite.statusCode(), suite.body());
    assertEquals(201, send("POST", "/api/v1/suites", Fixtures.suite("plain"), ADMIN).statusCode());
  }
}
