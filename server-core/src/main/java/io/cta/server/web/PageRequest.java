package io.cta.server.web;

import io.cta.server.error.InvalidInputException;
import java.util.Set;
import org.springframework.data.domain.Sort;

/**
 * Validated paging and sorting of a list request. Sort fields come from an allow-list, so a sort
 * parameter can never reach MongoDB as anything but a known field name.
 */
public record PageRequest(int page, int size, Sort sort) {

  public static final int MAX_SIZE = 500;

  public static PageRequest of(
      Integer page, Integer size, String sort, Set<String> sortable, Sort defaultSort) {
    int p = page == null ? 0 : page;
    if (p < 0) {
      throw new InvalidInputException("page: must be 0 or more");
    }
    int s = sizeOf(size, 20);
    if ((long) p * s > Integer.MAX_VALUE) {
      // MongoDB's skip is an int: a larger offset would wrap around.
      throw new InvalidInputException("page: page × size must be at most " + Integer.MAX_VALUE);
    }
    return new PageRequest(p, s, parseSort(sort, sortable, defaultSort));
  }

  /** A page size alone (for lists read by cursor): {@code size}, or the default when absent. */
  public static int sizeOf(Integer size, int defaultSize) {
    int s = size == null ? defaultSize : size;
    if (s < 1 || s > MAX_SIZE) {
      throw new InvalidInputException("size: must be between 1 and " + MAX_SIZE);
    }
    return s;
  }

  public long offset() {
    return (long) page * size;
  }

  private static Sort parseSort(String sort, Set<String> sortable, Sort defaultSort) {
    if (sort == null || sort.isBlank()) {
      return defaultSort;
    }
    String[] parts = sort.split(",", -1);
    String field = parts[0].trim();
    if (!sortable.contains(field)) {
      throw new InvalidInputException("sort: field must be one of " + sortable);
    }
    Sort.Direction direction = Sort.Direction.ASC;
    if (parts.length == 2) {
      direction =
          Sort.Direction.fromOptionalString(parts[1].trim())
              .orElseThrow(() -> new InvalidInputException("sort: direction must be asc or desc"));
    } else if (parts.length > 2) {
      throw new InvalidInputException("sort: use field,asc or field,desc");
    }
    return Sort.by(direction, field);
  }
}
