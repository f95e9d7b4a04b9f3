import { parseAnsi } from "./ansi";

/** Test output as text: each coloured run is a span with classes, its content a text node. */
export function AnsiText(props: { text: string }) {
  return (
    <>
      {parseAnsi(props.text).map((s, i) =>
        s.classes ? (
          <span key={i} className={s.classes}>
            {s.text}
          </span>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
