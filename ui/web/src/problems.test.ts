import { describe, expect, it } from "vitest";
import { errorAt, formErrors, unplaced } from "./problems";

describe("formErrors", () => {
  it("givenAValidationDetail_whenSorted_thenEachMessageAtItsField", () => {
    const errors = formErrors({
      status: 400,
      detail: "concurrency.max: must be between 1 and 1000; retries: must be less than or equal to 10",
    });
    expect(errors.fields).toEqual({
      "concurrency.max": "must be between 1 and 1000",
      retries: "must be less than or equal to 10",
    });
    expect(errors.general).toEqual([]);
  });

  it("givenANestedPathOrTwoFields_whenSorted_thenTheWholeListFieldAndBothFieldsGetThem", () => {
    const nested = formErrors({ status: 400, detail: "tests[0].stages[0].timeout: expected an integer" });
    expect(errorAt(nested, "tests")).toBe("tests[0].stages[0].timeout: expected an integer");
    expect(errorAt(nested, "test")).toBeUndefined();
    const two = formErrors({ status: 400, detail: "groups, properties: only agent tokens carry allow-lists" });
    expect(errorAt(two, "groups")).toBe("only agent tokens carry allow-lists");
    expect(errorAt(two, "properties")).toBe("only agent tokens carry allow-lists");
  });

  it("givenAnErrorsListWithPointers_whenSorted_thenPointersBecomeFieldPaths", () => {
    const errors = formErrors({
      status: 400,
      detail: "invalid",
      errors: [{ pointer: "/notifications/0/url", detail: "must be https" }],
    });
    expect(errors.fields).toEqual({ "notifications[0].url": "must be https" });
    expect(errorAt(errors, "notifications")).toBe("notifications[0].url: must be https");
  });

  it("givenADetailWithoutAFieldOrAnotherStatus_whenSorted_thenGeneral", () => {
    expect(formErrors({ status: 400, detail: "request body is not valid JSON (line 1, column 2): x" }).general).toEqual([
      "request body is not valid JSON (line 1, column 2): x",
    ]);
    expect(formErrors({ status: 409, detail: "secret 'db' is used by suite 'smoke'" }).general).toEqual([
      "secret 'db' is used by suite 'smoke'",
    ]);
    expect(formErrors({ status: 412 }).general[0]).toMatch(/Someone else changed this/);
  });

  it("givenFieldsNoControlShows_whenListed_thenTheyStayVisible", () => {
    const errors = formErrors({ status: 400, detail: "retention: give either days or lastExecutions; name: must not be blank" });
    expect(unplaced(errors, ["name"])).toEqual(["retention: give either days or lastExecutions"]);
  });
});
