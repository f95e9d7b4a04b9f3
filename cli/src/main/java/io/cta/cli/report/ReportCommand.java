package io.cta.cli.report;

import picocli.CommandLine.Command;

/** {@code cta report …}: results produced elsewhere, uploaded to CTA. */
@Command(
    name = "report",
    description = "Upload results produced elsewhere as an execution of a scenario.",
    subcommands = {JunitCommand.class})
public final class ReportCommand {}
