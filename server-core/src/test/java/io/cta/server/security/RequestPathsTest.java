package io.cta.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/api/v1/tokens",
        "/api/v1/machines/lab-01",
        "/api/v1/suites/s/tests/a%20b:c/history",
        "/api/v1/machines/caf%C3%A9",
        "/API/v1/Tokens"
      })
  void givenACanonicalPath_whenChecked_thenAccepted(String path) {
    assertNull(RequestPaths.violation(path));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/tokens;x",
        "/api;x/v1/tokens",
        "/api/v1/%74okens",
        "/api/v1/tokens%2Fx",
        "/api/v1/tokens%2fx",
        "/api/v1/tokens%3Bx",
        "//api/v1/tokens",
        "/api//v1/tokens",
        "/api/./v1/tokens",
        "/api/x/../v1/tokens",
        "/api/%2E%2E/v1/tokens",
        "/api/v1/tokens/",
        "/api/v1/tokens%",
        "/api/v1/tokens%zz",
        "/api/v1/tokens%C3",
        "/api/v1/tok\\ens",
        "api/v1/tokens",
        ""
      })
  void givenAPathThatIsNotCanonical_whenChecked_thenRefusedWithAReason(String path) {
    assertNotNull(RequestPaths.violation(path), path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/tokens", "/API/V1/TOKENS", "/Api/v1/tOkens"})
  void givenCaseVariants_whenRouted_thenOnePathForThePolicy(String path) {
    assertEquals("/api/v1/tokens", RequestPaths.routed(path));
  }

  @org.junit.jupiter.api.Test
  void givenEncodedCharacters_whenDecoded_thenTheRoutersValue() {
    assertEquals("/api/v1/machines/café", RequestPaths.decoded("/api/v1/machines/caf%C3%A9"));
    assertEquals("/", RequestPaths.routed("/"));
  }
}
