package io.cta.server.web;

import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** One page of a list: {@code {"items", "page", "size", "total"}} (docs/design.md#interfaces). */
public record PageView<T>(List<T> items, int page, int size, long total) {

  /** The page {@code paging} asked for: its {@code items}, of {@code total} in all. */
  public static <T> Mono<PageView<T>> of(PageRequest paging, Flux<T> items, Mono<Long> total) {
    return items
        .collectList()
        .zipWith(total)
        .map(t -> new PageView<>(t.getT1(), paging.page(), paging.size(), t.getT2()));
  }

  /** Everything on one page, for lists that are bounded by what they belong to. */
  public static <T> PageView<T> all(List<T> items) {
    return new PageView<>(items, 0, items.size(), items.size());
  }
}
