import { describe, expect, it } from "vitest";
import { parseAnsi } from "./ansi";

describe("parseAnsi", () => {
  it("givenColourCodes_whenParsed_thenSegmentsCarryClassesAndNoEscapes", () => {
    const segments = parseAnsi("plain \u001b[31;1mred bold\u001b[0m back");
    expect(segments).toEqual([
      { text: "plain ", classes: "" },
      { text: "red bold", classes: "fg-red bold" },
      { text: " back", classes: "" },
    ]);
  });

  it("givenOtherControlSequences_whenParsed_thenTheyAreDropped", () => {
    expect(parseAnsi("a\u001b[2Kb\u0007c")).toEqual([{ text: "abc", classes: "" }]);
  });

  it("givenMarkup_whenParsed_thenItStaysText", () => {
    expect(parseAnsi("<img src=x onerror=alert(1)>")).toEqual([
      { text: "<img src=x onerror=alert(1)>", classes: "" },
    ]);
  });
});
