import { cleanup, render } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Result } from "./model";
import { ResultsTable } from "./pages/ResultsTable";

function results(count: number): Result[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `r${i}`,
    testId: `test-${i}`,
    case: i === 0 ? "" : null,
    machine: "m1",
    attempt: 1,
    status: i % 10 === 0 ? "failed" : "ok",
    message: null,
    description: null,
    durationMs: i,
    attachments: [],
    screenshots: [],
    custom: null,
    flaky: false,
  }));
}

describe("ResultsTable", () => {
  beforeAll(() => {
    // jsdom lays nothing out: give the scroll box the size a browser would.
    Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 480 });
    Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 800 });
  });
  afterEach(cleanup);

  it("givenTenThousandResults_whenShown_thenOnlyAFewDozenRowsAreInTheDom", () => {
    const { container } = render(
      <ResultsTable results={results(10_000)} selected={null} onSelect={() => {}} />,
    );
    const rows = container.querySelectorAll("tbody tr[data-result]");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(100);
  });

  it("givenAnEmptyCaseName_whenShown_thenTheTestIdNamesTheRow", () => {
    const { container } = render(
      <ResultsTable results={results(1)} selected={null} onSelect={() => {}} />,
    );
    expect(container.querySelector("tr[data-result=r0] td")!.textContent).toBe("test-0");
  });
});
