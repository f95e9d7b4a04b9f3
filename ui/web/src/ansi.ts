// ANSI SGR colour codes in test output become styled segments, rendered as React text: a log line
// can never become markup (docs/ui.md, "Safety").

export interface Segment {
  text: string;
  /** CSS class names for the colour and weight, e.g. "fg-red bold". */
  classes: string;
}

const COLOURS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];
// ESC [ params final-byte: colour codes end in 'm'; other control sequences are dropped.
const SEQUENCE = /\u001b\[([0-9;]*)([A-Za-z])/g;

export function parseAnsi(input: string): Segment[] {
  const segments: Segment[] = [];
  let fg: string | null = null;
  let bg: string | null = null;
  let bold = false;
  let last = 0;
  const push = (text: string) => {
    if (text.length === 0) {
      return;
    }
    const classes = [fg && `fg-${fg}`, bg && `bg-${bg}`, bold && "bold"].filter(Boolean).join(" ");
    const previous = segments[segments.length - 1];
    if (previous && previous.classes === classes) {
      previous.text += text;
    } else {
      segments.push({ text, classes });
    }
  };
  for (const match of input.matchAll(SEQUENCE)) {
    push(input.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] !== "m") {
      continue;
    }
    const codes = match[1] === "" ? [0] : match[1].split(";").map((c) => Number(c));
    for (const code of codes) {
      if (code === 0) {
        fg = null;
        bg = null;
        bold = false;
      } else if (code === 1) {
        bold = true;
      } else if (code === 22) {
        bold = false;
      } else if (code >= 30 && code <= 37) {
        fg = COLOURS[code - 30];
      } else if (code >= 90 && code <= 97) {
        fg = `bright-${COLOURS[code - 90]}`;
      } else if (code === 39) {
        fg = null;
      } else if (code >= 40 && code <= 47) {
        bg = COLOURS[code - 40];
      } else if (code === 49) {
        bg = null;
      }
    }
  }
  push(input.slice(last));
  // Other control characters (a lone ESC, bell) are not shown.
  return segments
    .map((s) => ({ ...s, text: s.text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "") }))
    .filter((s) => s.text.length > 0);
}
