package io.cta.server.web;

import java.util.List;

/** One page of a list: {@code {"items", "page", "size", "total"}} (docs/design.md#interfaces). */
public record PageView<T>(List<T> items, int page, int size, long total) {

  /** Everything on one page, for lists that are bounded by what they belong to. */
  public static <T> PageView<T> all(List<T> items) {
    return new PageView<>(items, 0, items.size(), items.size());
  }
}
