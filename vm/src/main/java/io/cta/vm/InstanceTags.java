package io.cta.vm;

import java.util.Objects;

/**
 * The tags every instance carries (the local provider in a metadata file, libvirt in the domain's
 * {@code <metadata>}, a cloud as instance tags): an instance of this installation that no live
 * lease owns is an orphan, and the reconciler destroys it.
 *
 * @param installation the CTA installation that made it (several may share one provider account)
 * @param pool the VM pool's id
 * @param lease the lease that owns it
 */
public record InstanceTags(String installation, String pool, String lease) {

  public InstanceTags {
    Objects.requireNonNull(installation, "installation");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(lease, "lease");
  }
}
