package io.cta.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/*.md points at a file that exists, and every anchor at
 * a heading of that file, so the docs cannot drift into dead links unnoticed. It lives in the
 * launcher because the launcher is the module about the whole repository; it reads files only.
 */
class DocsLinksTest {

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a (?:id|name)=\"([^\"]+)\"");

  @Test
  void givenTheRepositoryDocs_whenEveryRelativeLinkIsResolved_thenEachFileAndAnchorExists()
      throws IOException {
    Path root = repositoryRoot();
    List<Path> pages = new ArrayList<>();
    pages.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertTrue(pages.size() > 5, "pages found: " + pages);

    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String target : links(Files.readAllLines(page))) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          continue; // http:, https:, mailto:: not ours to check offline
        }
        checked++;
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(root.relativize(page) + ": " + target + " (no such file)");
          continue;
        }
        if (hash >= 0 && resolved.toString().endsWith(".md")) {
          String anchor = target.substring(hash + 1);
          Set<String> known = anchors.computeIfAbsent(resolved, DocsLinksTest::anchorsOf);
          if (!known.contains(anchor)) {
            broken.add(root.relativize(page) + ": " + target + " (no such heading)");
          }
        }
      }
    }
    assertTrue(checked > 50, "relative links checked: " + checked);
    assertEquals(List.of(), broken, "broken links");
  }

  @Test
  void givenHeadings_whenAnchorsAreDerived_thenTheyFollowGitHubsRules() {
    assertEquals(
        Set.of("a-b", "ctax-and-why", "a-b-1", "agent--consumer", "whose-events"),
        anchorsOf(
            List.of(
                "# A, b",
                "## `cta.x` and *why*?",
                "## A, b",
                "## Agent ↔ consumer",
                "<a id=\"whose-events\"></a>**Whose**")));
  }

  /** The targets of the Markdown links of a page, outside fenced code blocks and code spans. */
  private static List<String> links(List<String> lines) {
    List<String> targets = new ArrayList<>();
    boolean fenced = false;
    for (String line : lines) {
      if (line.stripLeading().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
      while (m.find()) {
        targets.add(m.group(1));
      }
    }
    return targets;
  }

  private static Set<String> anchorsOf(Path page) {
    try {
      return anchorsOf(Files.readAllLines(page));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * GitHub's heading anchors: lower case, punctuation dropped (letters, digits, spaces, {@code -}
   * and {@code _} kept), spaces become {@code -}, a repeated anchor gets {@code -1}, {@code -2};
   * and explicit {@code <a id="…">} anchors.
   */
  private static Set<String> anchorsOf(List<String> lines) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : lines) {
      if (line.stripLeading().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      Matcher html = HTML_ANCHOR.matcher(line);
      while (html.find()) {
        anchors.add(html.group(1));
      }
      Matcher m = HEADING.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String base =
          m.group(1)
              .toLowerCase(java.util.Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-');
      int n = seen.merge(base, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? base : base + "-" + n);
    }
    return anchors;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
      dir = dir.getParent();
    }
    assertNotNull(dir, "a parent directory holding docs/");
    return dir;
  }
}
