package io.cta.server.secret;

/**
 * A stored value that no configured key opens: sealed by a key that is gone, or changed in MongoDB.
 * Its message names the secret, never any of its value.
 */
public class SecretUnreadableException extends RuntimeException {

  public SecretUnreadableException(String name, String why) {
    super("secret '" + name + "' cannot be decrypted: " + why, null, false, false);
  }
}
