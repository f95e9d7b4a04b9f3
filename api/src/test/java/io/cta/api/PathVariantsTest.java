package io.cta.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Authorization cannot be sidestepped by the spelling of a path: every endpoint from the api's own
 * request mappings, called by every role and anonymously with every variant of its path (path
 * parameters, percent-encoded letters, empty and dot segments, a trailing slash, other letter
 * cases), gets a 400 problem or exactly the status its canonical path gets.
 */
class PathVariantsTest extends ApiHttpTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers(registry, "cta-path-variants");
  }

  @Autowired TokenStore tokens;

  /** Variants of a path, spelled differently in each of its literal (not variable) segments. */
  static List<String> variants(List<String> segments, List<Boolean> literal) {
    List<String> variants = new ArrayList<>();
    int last = segments.size() - 1;
    for (int i = 0; i < segments.size(); i++) {
      if (!literal.get(i)) {
        continue;
      }
      String segment = segments.get(i);
      variants.add(join(segments, i, segment + ";x"));
      variants.add(join(segments, i, segment + ";"));
      variants.add(
          join(segments, i, "%" + Integer.toHexString(segment.charAt(0)) + segment.substring(1)));
      variants.add(join(segments, i, segment.toUpperCase(Locale.ROOT)));
      variants.add(
          join(segments, i, Character.toUpperCase(segment.charAt(0)) + segment.substring(1)));
      variants.add(join(segments, i, "." + "/" + segment));
      variants.add(join(segments, i, "x/../" + segment));
      variants.add(join(segments, i, "/" + segment));
      variants.add(join(segments, i, "%2E/" + segment));
    }
    variants.add(join(segments, last, segments.get(last) + "/"));
    variants.add(join(segments, last, segments.get(last) + "%2F"));
    variants.add("/" + join(segments, -1, null));
    return variants;
  }

  private static String join(List<String> segments, int at, String replacement) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < segments.size(); i++) {
      path.append('/').append(i == at ? replacement : segments.get(i));
    }
    return path.toString();
  }

  @Test
  void givenEveryEndpointRoleAndPathVariant_whenCalled_thenA400OrTheCanonicalAnswer()
      throws Exception {
    Map<String, String> callers = new LinkedHashMap<>();
    callers.put("anonymous", null);
    callers.put("admin", ADMIN);
    callers.put("operator", tokens.create("paths operator", Role.operator, null).block().secret());
    callers.put("viewer", tokens.create("paths viewer", Role.viewer, null).block().secret());
    callers.put("agent", tokens.create("paths agent", Role.agent, "m1").block().secret());
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Endpoint endpoint : endpoints()) {
      List<String> segments = new ArrayList<>();
      List<Boolean> literal = new ArrayList<>();
      for (String segment : endpoint.path().substring(1).split("/")) {
        boolean variable = segment.startsWith("{");
        segments.add(variable ? "no-such-id" : segment);
        literal.add(!variable);
      }
      String canonical = join(segments, -1, null);
      String body = Set.of("POST", "PUT", "PATCH").contains(endpoint.method()) ? "{}" : null;
      for (Map.Entry<String, String> caller : callers.entrySet()) {
        int expected = send(endpoint.method(), canonical, body, caller.getValue()).statusCode();
        for (String variant : variants(segments, literal)) {
          HttpResponse<String> response = send(endpoint.method(), variant, body, caller.getValue());
          checked++;
          int status = response.statusCode();
          if (status != expected && status != 400) {
            wrong.add(
                endpoint.method()
                    + " "
                    + variant
                    + " as "
                    + caller.getKey()
                    + ": "
                    + status
                    + ", canonical "
                    + expected);
          } else if (status == 400
              && !response.headers().firstValue("Content-Type").orElse("").contains("problem")) {
            wrong.add(endpoint.method() + " " + variant + ": a 400 that is not a problem detail");
          }
        }
      }
    }
    assertEquals(List.of(), wrong, "of " + checked + " variants");
  }

  @Test
  void givenAnOperator_whenMintingATokenThroughAPathParameter_thenRefusedAndNoTokenMade()
      throws Exception {
    String operator = tokens.create("escalating operator", Role.operator, null).block().secret();
    long before = tokens.list().count().block();

    HttpResponse<String> semicolon =
        send("POST", "/api/v1/tokens;x", "{\"name\":\"x\",\"role\":\"admin\"}", operator);
    HttpResponse<String> encoded = send("GET", "/api/v1/%74okens", null, operator);
    HttpResponse<String> audit = send("GET", "/api/v1/audit;x", null, operator);
    HttpResponse<String> upper =
        send("POST", "/API/V1/TOKENS", "{\"name\":\"x\",\"role\":\"admin\"}", operator);

    assertEquals(400, semicolon.statusCode(), semicolon.body());
    assertEquals(400, encoded.statusCode(), encoded.body());
    assertEquals(400, audit.statusCode(), audit.body());
    assertEquals(403, upper.statusCode(), upper.body());
    assertEquals(before, tokens.list().count().block());
  }
}
