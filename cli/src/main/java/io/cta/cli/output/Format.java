package io.cta.cli.output;

/** How a command writes what it read: for people ({@code table}) or for scripts. */
public enum Format {
  table,
  json,
  jsonl,
  yaml
}
