import { describe, expect, it } from "vitest";
import { matchRoute } from "./router";
import { listQuery } from "./pages/Executions";

describe("matchRoute", () => {
  it("givenEachPagePath_whenMatched_thenItsPage", () => {
    expect(matchRoute("/")).toEqual({ page: "executions" });
    expect(matchRoute("/executions")).toEqual({ page: "executions" });
    expect(matchRoute("/executions/6749abc")).toEqual({ page: "execution", id: "6749abc" });
    expect(matchRoute("/machines")).toEqual({ page: "machines" });
    expect(matchRoute("/scenarios")).toEqual({ page: "scenarios" });
    expect(matchRoute("/scenarios/6749abc")).toEqual({ page: "scenario", id: "6749abc" });
    expect(matchRoute("/scenarios/new")).toEqual({ page: "scenario", id: null });
    expect(matchRoute("/suites")).toEqual({ page: "suites" });
    expect(matchRoute("/suites/s1")).toEqual({ page: "suite", id: "s1" });
    expect(matchRoute("/configurations/new")).toEqual({ page: "configuration", id: null });
    expect(matchRoute("/admin/tokens")).toEqual({ page: "tokens" });
    expect(matchRoute("/admin/audit")).toEqual({ page: "audit" });
    expect(matchRoute("/admin/secrets")).toEqual({ page: "secrets" });
  });

  it("givenAnUnknownPath_whenMatched_thenNotFound", () => {
    expect(matchRoute("/executions/a/b").page).toBe("not-found");
    expect(matchRoute("/nothing").page).toBe("not-found");
    expect(matchRoute("/toString").page).toBe("not-found");
    expect(matchRoute("/admin").page).toBe("not-found");
    expect(matchRoute("/admin/constructor").page).toBe("not-found");
    expect(matchRoute("/suites/a.b").page).toBe("not-found");
  });
});

describe("listQuery", () => {
  it("givenUrlFilters_whenListed_thenOnlyKnownFiltersArePassedAsValues", () => {
    const query = new URLSearchParams(listQuery(new URLSearchParams("state=running&evil=1&page=2")));
    expect(query.get("state")).toBe("running");
    expect(query.get("evil")).toBeNull();
    expect(query.get("page")).toBe("2");
    expect(query.get("sort")).toBe("requestedAt,desc");
  });
});
