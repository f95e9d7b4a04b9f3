package io.cta.vm;

/**
 * A provider call that failed. {@code permanent} says whether calling again can help (a template
 * the provider refuses is permanent; a network error is not), so activities know whether to retry.
 */
public class ProviderException extends RuntimeException {

  private final boolean permanent;

  public ProviderException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  public ProviderException(String message, boolean permanent) {
    this(message, permanent, null);
  }

  public boolean permanent() {
    return permanent;
  }
}
