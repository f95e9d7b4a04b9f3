package io.cta.activities.agent;

import java.util.List;

/** One test of a suite as dispatched to an agent: a definition only, never its results. */
public record TestSpec(
    String id, String name, String type, List<String> reports, List<StageSpec> stages) {

  public TestSpec {
    reports = reports == null ? List.of() : List.copyOf(reports);
    stages = stages == null ? List.of() : List.copyOf(stages);
  }
}
