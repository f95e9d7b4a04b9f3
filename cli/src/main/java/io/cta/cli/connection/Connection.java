package io.cta.cli.connection;

import java.net.URI;

/**
 * Where the api is and the token to show it. {@link #toString()} leaves the token out, so that no
 * message or log can print it.
 */
public record Connection(URI server, String token) {

  @Override
  public String toString() {
    return "Connection[server=" + server + "]";
  }
}
