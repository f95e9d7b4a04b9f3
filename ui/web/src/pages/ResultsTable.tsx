import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
} from "@tanstack/react-table";
import { useMemo } from "react";
import { duration } from "../format";
import type { Result } from "../model";
import { useVirtualRows } from "../virtualRows";

const column = createColumnHelper<Result>();
const COLUMNS = [
  column.accessor((r) => r.case || r.testId, { id: "test", header: "Test" }),
  column.accessor("status", { header: "Status" }),
  column.accessor("attempt", { header: "Attempt" }),
  column.accessor("flaky", { header: "Flaky", cell: (c) => (c.getValue() ? "flaky" : "") }),
  column.accessor("durationMs", { header: "Duration", cell: (c) => duration(c.getValue()) }),
  column.accessor("machine", { header: "Machine", cell: (c) => c.getValue() ?? "—" }),
];

const ROW_HEIGHT = 28;

/** Only the rows in view are in the DOM, so a 10,000-test execution scrolls like a small one. */
export function ResultsTable(props: {
  results: Result[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const data = useMemo(() => props.results, [props.results]);
  const table = useReactTable({ data, columns: COLUMNS, getCoreRowModel: getCoreRowModel() });
  const rows = table.getRowModel().rows;
  const { scroller, items, before, after } = useVirtualRows(rows.length, ROW_HEIGHT);

  return (
    <div ref={scroller} className="results-scroll" role="region" aria-label="Results" tabIndex={0}>
      <table className="grid results">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((h) => (
                <th key={h.id}>{flexRender(h.column.columnDef.header, h.getContext())}</th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {before > 0 && <tr style={{ height: before }} aria-hidden="true" />}
          {items.map((item) => {
            const row = rows[item.index];
            const r = row.original;
            return (
              <tr
                key={row.id}
                data-result={r.id}
                className={`status-${r.status}${props.selected === r.id ? " selected" : ""}`}
                onClick={() => props.onSelect(r.id)}
                onKeyDown={(e) => e.key === "Enter" && props.onSelect(r.id)}
                tabIndex={0}
                aria-selected={props.selected === r.id}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            );
          })}
          {after > 0 && <tr style={{ height: after }} aria-hidden="true" />}
        </tbody>
      </table>
    </div>
  );
}
