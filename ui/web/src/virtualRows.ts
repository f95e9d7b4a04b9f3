import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";

/**
 * Only the rows in view (and a margin) are rendered: a table of `count` fixed-height rows inside a
 * scroll box, with spacer rows of `before` and `after` pixels standing for the others.
 */
export function useVirtualRows(count: number, rowHeight: number) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 20,
    initialRect: { width: 800, height: 480 },
  });
  const items = virtualizer.getVirtualItems();
  const before = items.length > 0 ? items[0].start : 0;
  const after = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  return { scroller, items, before, after };
}
