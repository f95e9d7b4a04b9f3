package io.cta.api.vm;

import io.cta.server.error.InvalidInputException;
import io.cta.server.machine.LabelLimits;
import io.cta.server.machine.Labels;
import io.cta.temporal.TaskQueues;
import io.cta.vm.local.LocalProvider;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The rules of a VM pool's fields and their defaults (docs/vm-manager.md#pools). */
final class VmPools {

  /** The provider kinds a pool may name today. */
  static final List<String> PROVIDERS = List.of(LocalProvider.KIND);

  /** Machine names are the pool's name and a suffix, within the 128 characters of a name. */
  static final int MAX_NAME = 64;

  static final int MAX_MACHINES = 1000;
  static final int DEFAULT_MAX_MACHINES = 1;
  static final long MIN_VM_TIMEOUT = 60_000;
  static final long MAX_VM_TIMEOUT = 7 * 24 * 3_600_000L;
  static final long DEFAULT_VM_TIMEOUT = 3_600_000;
  static final long MIN_LAUNCH_TIMEOUT = 5_000;
  static final long MAX_LAUNCH_TIMEOUT = 3_600_000;
  static final long DEFAULT_LAUNCH_TIMEOUT = 5 * 60_000;
  static final int MAX_TEMPLATE_ENTRIES = 50;
  static final int MAX_TEMPLATE_VALUE = 4096;
  private static final Pattern TEMPLATE_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

  private VmPools() {}

  /** A checked request, its defaults applied. */
  record Checked(
      String name,
      String provider,
      Map<String, String> template,
      int maxMachines,
      long vmTimeout,
      long launchTimeout,
      int warm,
      Labels labels) {}

  static Checked check(VmPoolRequest request) {
    String name = request.name();
    if (name == null || name.length() > MAX_NAME || !TaskQueues.isValidName(name)) {
      throw new InvalidInputException(
          "name: use 1-" + MAX_NAME + " letters, digits, '.', '_' or '-'");
    }
    String provider = request.provider();
    if (provider == null || provider.isBlank()) {
      throw new InvalidInputException("provider: required, one of " + PROVIDERS);
    }
    if (!PROVIDERS.contains(provider)) {
      throw new InvalidInputException(
          "provider: '"
              + shorten(provider)
              + "' is not available yet; available: "
              + String.join(", ", PROVIDERS));
    }
    Map<String, String> template = request.template() == null ? Map.of() : request.template();
    if (template.size() > MAX_TEMPLATE_ENTRIES) {
      throw new InvalidInputException(
          "template: at most " + MAX_TEMPLATE_ENTRIES + " entries, got " + template.size());
    }
    for (Map.Entry<String, String> entry : template.entrySet()) {
      if (!TEMPLATE_KEY.matcher(entry.getKey()).matches()) {
        throw new InvalidInputException(
            "template: '"
                + shorten(entry.getKey())
                + "' is not a key (a letter, then up to 63 letters, digits, '_' or '-')");
      }
      if (entry.getValue() == null || entry.getValue().length() > MAX_TEMPLATE_VALUE) {
        throw new InvalidInputException(
            "template."
                + entry.getKey()
                + ": a string of at most "
                + MAX_TEMPLATE_VALUE
                + " characters");
      }
    }
    int maxMachines = orDefault(request.maxMachines(), DEFAULT_MAX_MACHINES);
    within("maxMachines", maxMachines, 1, MAX_MACHINES);
    int warm = orDefault(request.warm(), 0);
    within("warm", warm, 0, maxMachines);
    long vmTimeout = request.vmTimeout() == null ? DEFAULT_VM_TIMEOUT : request.vmTimeout();
    within("vmTimeout", vmTimeout, MIN_VM_TIMEOUT, MAX_VM_TIMEOUT);
    long launchTimeout =
        request.launchTimeout() == null ? DEFAULT_LAUNCH_TIMEOUT : request.launchTimeout();
    within("launchTimeout", launchTimeout, MIN_LAUNCH_TIMEOUT, MAX_LAUNCH_TIMEOUT);
    if (launchTimeout >= vmTimeout) {
      throw new InvalidInputException(
          "launchTimeout: must be shorter than vmTimeout (" + vmTimeout + " ms)");
    }
    try {
      LabelLimits.checkLabels("", request.properties(), request.groups());
    } catch (LabelLimits.LimitException e) {
      throw new InvalidInputException(e.getMessage());
    }
    return new Checked(
        name,
        provider,
        template,
        maxMachines,
        vmTimeout,
        launchTimeout,
        warm,
        new Labels(request.properties(), request.groups()));
  }

  static io.cta.server.vm.VmPoolDocument document(
      String id, Checked checked, Instant createdAt, Instant updatedAt) {
    return new io.cta.server.vm.VmPoolDocument(
        id,
        checked.name(),
        checked.provider(),
        checked.template(),
        checked.maxMachines(),
        checked.vmTimeout(),
        checked.launchTimeout(),
        checked.warm(),
        checked.labels(),
        createdAt,
        updatedAt);
  }

  private static int orDefault(Integer value, int defaultValue) {
    return value == null ? defaultValue : value;
  }

  private static void within(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidInputException(field + ": must be between " + min + " and " + max);
    }
  }

  private static String shorten(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "…" : text;
  }
}
