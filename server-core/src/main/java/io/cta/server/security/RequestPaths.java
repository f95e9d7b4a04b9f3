package io.cta.server.security;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The one form of a request path that is authorized, so that authorization and routing can never
 * see two different endpoints in one request (docs/security.md, "Paths").
 *
 * <p>WebFlux routes on the percent-decoded path without {@code ;parameters}, case-insensitively
 * here ({@code WebPathMatching}). A path is canonical when it has no {@code ;}, no empty, {@code .}
 * or {@code ..} segment, no trailing slash, no backslash or control character, and percent-encodes
 * only what must be encoded (never an unreserved character, never {@code /}). Anything else is
 * refused with a 400 before authentication, and the policy decides on {@link #routed}: the decoded
 * path in lower case, exactly what the router matches literal segments against.
 */
public final class RequestPaths {

  private RequestPaths() {}

  /** Why {@code raw} (the path as sent, without the query) is not canonical; null if it is. */
  public static String violation(String raw) {
    if (raw.isEmpty() || raw.charAt(0) != '/') {
      return "the path must start with '/'";
    }
    if (raw.equals("/")) {
      return null;
    }
    if (raw.indexOf(';') >= 0) {
      return "path parameters (';') are not accepted";
    }
    if (raw.endsWith("/")) {
      return "a trailing '/' is not accepted";
    }
    for (String segment : raw.substring(1).split("/", -1)) {
      String problem = segmentViolation(segment);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** The canonical path's decoded value in lower case: what the access policy decides on. */
  public static String routed(String canonical) {
    return decoded(canonical).toLowerCase(Locale.ROOT);
  }

  /** The canonical path, percent-decoded: what the router matches and binds variables from. */
  public static String decoded(String canonical) {
    StringBuilder out = new StringBuilder(canonical.length());
    for (String segment : canonical.split("/", -1)) {
      if (!out.isEmpty() || !segment.isEmpty()) {
        out.append('/').append(decode(segment));
      }
    }
    return out.isEmpty() ? "/" : out.toString();
  }

  private static String segmentViolation(String segment) {
    if (segment.isEmpty()) {
      return "empty path segments ('//') are not accepted";
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '\\' || c < 0x20 || c == 0x7f) {
        return "backslashes and control characters are not accepted in a path";
      }
      if (c == '%') {
        if (i + 2 >= segment.length()
            || Character.digit(segment.charAt(i + 1), 16) < 0
            || Character.digit(segment.charAt(i + 2), 16) < 0) {
          return "a '%' must start a percent-encoded byte ('%2F')";
        }
        int b =
            Character.digit(segment.charAt(i + 1), 16) * 16
                + Character.digit(segment.charAt(i + 2), 16);
        if (b == '/' || b == '\\' || b == ';' || b < 0x20 || b == 0x7f) {
          return "encoded '/', '\\', ';' or control characters are not accepted in a path";
        }
        if (unreserved(b)) {
          return "'"
              + segment.substring(i, i + 3)
              + "' encodes '"
              + (char) b
              + "', which must be sent as it is";
        }
        i += 2;
      }
    }
    String decoded = decode(segment);
    if (decoded == null) {
      return "a percent-encoded path segment is not valid UTF-8";
    }
    if (decoded.equals(".") || decoded.equals("..")) {
      return "'.' and '..' path segments are not accepted";
    }
    return null;
  }

  private static boolean unreserved(int b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || b == '-'
        || b == '.'
        || b == '_'
        || b == '~';
  }

  /** The percent-decoded segment, or null when its bytes are not UTF-8. */
  private static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%' && i + 2 < segment.length()) {
        bytes.write(Integer.parseInt(segment, i + 1, i + 3, 16));
        i += 2;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
