package io.cta.consumer.agent;

/**
 * Makes an uploaded file's name safe to store and to offer as a download: its last path segment
 * only (so {@code ../../etc/passwd} and {@code C:\temp\shot.png} keep {@code passwd} and {@code
 * shot.png}), without control characters, {@code :} or a leading dot, at most {@value #MAX}
 * characters (the extension kept), and {@code file} when nothing is left. The name is only a label:
 * files are stored and found by their ObjectId, never by name.
 */
final class FileNames {

  static final int MAX = 200;

  private FileNames() {}

  static String sanitize(String name) {
    if (name == null) {
      return "file";
    }
    String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    StringBuilder kept = new StringBuilder();
    last.codePoints()
        .filter(c -> !Character.isISOControl(c) && c != ':' && Character.isDefined(c))
        .forEach(kept::appendCodePoint);
    String safe = kept.toString().strip().replaceFirst("^\\.+", "");
    if (safe.isEmpty()) {
      return "file";
    }
    if (safe.codePointCount(0, safe.length()) > MAX) {
      int dot = safe.lastIndexOf('.');
      String extension = dot > 0 && safe.length() - dot <= 16 ? safe.substring(dot) : "";
      safe = safe.substring(0, safe.offsetByCodePoints(0, MAX - extension.length())) + extension;
    }
    return safe;
  }
}
