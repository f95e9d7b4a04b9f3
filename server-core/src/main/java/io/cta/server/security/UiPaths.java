package io.cta.server.security;

import java.util.regex.Pattern;

/**
 * The web console's public paths (docs/ui.md): its pages, each opened directly by URL (the api
 * answers them with {@code index.html}, and the console asks for a token), and its built files. The
 * pages are listed one by one rather than "everything else", so the fallback can never cover {@code
 * /api/}, {@code /agent/}, {@code /ws}, {@code /actuator/}, {@code /v3/} or {@code /swagger-ui}: an
 * unknown path there stays a 401, 403 or 404 problem. Keep in step with the console's router
 * ({@code ui/web/src/router.tsx}).
 *
 * <p>Paths are the routed form ({@link RequestPaths#routed}): decoded and in lower case.
 */
public final class UiPaths {

  private UiPaths() {}

  /**
   * The pages: lists, one item of a list by id ({@code new} for a definition not saved yet), and
   * the admin pages. An id is what ids look like, nothing that could be a path trick.
   */
  private static final Pattern PAGE =
      Pattern.compile(
          "/((executions|scenarios|suites|configurations)(/[a-z0-9_-]{1,64})?|machines"
              + "|admin/(tokens|audit|secrets))");

  /** Vite's hashed output: one segment under {@code /assets/}. */
  private static final Pattern ASSET = Pattern.compile("/assets/[a-z0-9_.-]{1,128}");

  /** A page of the console, answered with {@code index.html}. */
  public static boolean isPage(String path) {
    return PAGE.matcher(path).matches();
  }

  /** Anything the console's pages are made of: {@code /}, {@code /index.html}, pages, assets. */
  public static boolean isUi(String path) {
    return path.equals("/")
        || path.equals("/index.html")
        || isPage(path)
        || ASSET.matcher(path).matches();
  }
}
