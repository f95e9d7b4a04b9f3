package io.cta.testrunner.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cta.activities.agent.StageSpec;
import io.cta.activities.agent.TestSpec;
import io.cta.testrunner.result.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StagesTest {

  private static StageSpec stage(String name, boolean mandatory) {
    return new StageSpec(name, "run " + name, null, null, Map.of(), mandatory, 1000);
  }

  private static StageSpec inDir(String cwd) {
    return new StageSpec("s", "true", null, cwd, Map.of(), true, 1000);
  }

  @Test
  void givenAFailingMandatoryStage_whenRunInOrder_thenTheTestFailsAndLaterStagesDoNotRun()
      throws Exception {
    List<String> ran = new ArrayList<>();

    Verdict verdict =
        Stages.runInOrder(
            List.of(stage("a", true), stage("b", true), stage("c", true)),
            (stage, name) -> {
              ran.add(name);
              return name.equals("b") ? "b broke" : null;
            });

    assertEquals(Verdict.failed("b broke"), verdict);
    assertEquals(List.of("a", "b"), ran);
  }

  @Test
  void givenFailingOptionalStages_whenRunInOrder_thenEachIsNotedAndTheTestPasses()
      throws Exception {
    List<String> ran = new ArrayList<>();

    Verdict verdict =
        Stages.runInOrder(
            List.of(stage("a", false), stage(null, true), stage("c", false)),
            (stage, name) -> {
              ran.add(name);
              return name.equals("stage") ? null : name + " broke";
            });

    assertEquals(Verdict.passed("a broke (not mandatory); c broke (not mandatory)"), verdict);
    assertEquals(List.of("a", "stage", "c"), ran);
    assertEquals(
        Verdict.passed("passed"),
        Stages.runInOrder(List.of(stage("a", true)), (stage, name) -> null));
  }

  @Test
  void givenStagesWithAndWithoutCwd_whenResolved_thenTheyRunInTheWorkDirAndTheTestDirIsTheFirsts() {
    Path work = Path.of("/agent/work");

    assertEquals(work, Stages.workingDir(work, inDir(null)));
    assertEquals(work, Stages.workingDir(work, inDir("  ")));
    assertEquals(work.resolve("project"), Stages.workingDir(work, inDir("project")));
    assertEquals(
        work.resolve("project"),
        Stages.testDir(
            work, new TestSpec("t", "t", "commandLine", List.of(), List.of(inDir("project")))));
    assertEquals(work, Stages.testDir(work, new TestSpec("t", "t", "commandLine", null, null)));
  }

  @Test
  void givenTheRunnersEnvironment_whenMerged_thenItsTokenGoesTheStageWinsAndCtaWinsOverBoth() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", "/bin");
    env.put("HOME", "/home/agent");
    env.put("CTA_AGENT_TOKEN", "secret-token");
    env.put("CTA_TEST_ID", "stale");

    Stages.mergeEnvironment(
        env,
        Map.of("HOME", "/tmp/home", "CTA_TEST_ID", "from-stage"),
        Stages.ctaVariables("e1", "t1", 2));

    assertEquals(
        Map.of(
            "PATH", "/bin",
            "HOME", "/tmp/home",
            "CTA_EXECUTION_ID", "e1",
            "CTA_TEST_ID", "t1",
            "CTA_ATTEMPT", "2"),
        env);
  }

  @Test
  void givenAStageThatFailed_whenDescribed_thenTheMessageNamesTheStageAndWhy() {
    assertEquals(List.of("/bin/sh", "-c", "make test"), Stages.shellCommand("make test", false));
    assertEquals(List.of("cmd.exe", "/c", "make test"), Stages.shellCommand("make test", true));
    assertEquals("stage 'b' timed out after 1.5 s", Stages.timedOut("b", 1500));
    assertEquals("stage 'b' exited with 2", Stages.exited("b", 2, " "));
    assertEquals("stage 'b' exited with 2: boom\nend", Stages.exited("b", 2, "boom\nend"));
    assertEquals("stage 'b' could not start: no shell", Stages.couldNotStart("b", "no shell"));
  }
}
