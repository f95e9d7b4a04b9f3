package io.cta.server.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.activities.RunMode;
import io.cta.server.machine.Labels;
import io.cta.server.machine.MachineDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each target kind: where its work goes, which machines match and why not, its own checks. */
class TargetTest {

  private static final MachineDocument LINUX =
      machine("id-1", "lab-01", Map.of("os", "linux", "cores", "8"), List.of("gpu"));
  private static final MachineDocument MAC = machine("id-2", "lab-02", Map.of("os", "macos"), null);

  @Test
  void givenAMachineTarget_whenDispatched_thenItsWorkWaitsOnTheRegisteredNamesQueue() {
    Target byId = new MachineTarget("id-1");

    assertEquals(
        new Target.Dispatch("cta-machine-lab-01", "lab-01", null),
        byId.dispatch("e1", List.of(LINUX)));
    assertEquals(
        new Target.Dispatch("cta-machine-id-1", "id-1", null),
        byId.dispatch("e1", List.of()),
        "a machine not registered yet is waited for by the name the target gives");
    assertNull(new MachineTarget("no such").dispatch("e1", List.of()).queue());
    assertTrue(byId.namesOneMachine());
  }

  @Test
  void givenAMachineTarget_whenMatching_thenItMatchesItsNameOrIdOnly() {
    assertTrue(new MachineTarget("lab-01").matches(LINUX));
    assertTrue(new MachineTarget("id-1").matches(LINUX));
    assertEquals("not machine 'lab-01'", new MachineTarget("lab-01").mismatch(MAC));
    assertTrue(new MachineTarget("lab-09").names("lab-09"), "even before it registers");
    assertFalse(new GroupTarget("lab-09").names("lab-09"));
    assertEquals(
        "no machine named 'lab-09' has registered", new MachineTarget("lab-09").noMachine());
    assertTrue(
        new MachineTarget("lab-01").takesPart(LINUX, RunMode.stress),
        "a named machine takes part in every mode");
  }

  @Test
  void givenAGroupTarget_whenDispatchedAndMatched_thenItUsesTheGroupQueueAndEffectiveGroups() {
    Target gpu = new GroupTarget("gpu");

    assertEquals(
        new Target.Dispatch("cta-group-gpu", null, null), gpu.dispatch("e1", List.of(LINUX)));
    assertFalse(gpu.namesOneMachine());
    assertTrue(gpu.matches(LINUX));
    assertEquals("not in group 'gpu'", gpu.mismatch(MAC));
    assertEquals("no machine is in group 'gpu'", gpu.noMachine());
    assertTrue(gpu.takesPart(LINUX, RunMode.parallel));
    assertFalse(
        gpu.takesPart(LINUX, RunMode.stress), "stress sends work to the machines listed only");
  }

  @Test
  void givenASelectorTarget_whenDispatchedAndMatched_thenItOpensAPoolOfMatchingMachines() {
    Target linux = new SelectorTarget("os=linux,cores>=4");

    assertEquals(
        new Target.Dispatch("cta-pool-e1", null, "os=linux,cores>=4"),
        linux.dispatch("e1", List.of()));
    assertFalse(linux.namesOneMachine());
    assertTrue(linux.matches(LINUX));
    assertEquals("needs os=linux, has os=macos", linux.mismatch(MAC));
    assertEquals("no machine matches the selector 'os=linux,cores>=4'", linux.noMachine());
    assertFalse(linux.takesPart(LINUX, RunMode.stress));
    assertFalse(
        new SelectorTarget("cores>=many").matches(LINUX), "an unparsable selector matches none");
  }

  @Test
  void givenEachKind_whenChecked_thenOnlyItsOwnFieldsAreJudged() {
    assertEquals(Optional.empty(), new MachineTarget("lab-01").problem());
    assertEquals(
        Optional.of("target: 'a b' is not a valid name (1-128 letters, digits, '.', '_' or '-')"),
        new GroupTarget("a b").problem());
    assertEquals(
        Optional.of(
            "target.selector: expected a number after a comparison, got 'many' at position 7"),
        new SelectorTarget("cores>=many").problem());
  }

  @Test
  void givenTheStoredShape_whenMapped_thenExactlyOneFieldGivesAKindAndBack() {
    assertEquals(new MachineTarget("m"), TargetFields.machine("m").target());
    assertEquals(new GroupTarget("g"), TargetFields.group("g").target());
    assertEquals(new SelectorTarget("os=linux"), TargetFields.selector("os=linux").target());
    assertNull(new TargetFields(null, null, null).target());
    assertNull(new TargetFields("m", "g", null).target());
    for (Target target :
        List.of(new MachineTarget("m"), new GroupTarget("g"), new SelectorTarget("os=linux"))) {
      assertEquals(target, target.fields().target());
    }
  }

  private static MachineDocument machine(
      String id, String name, Map<String, String> properties, List<String> groups) {
    Instant now = Instant.now();
    return new MachineDocument(
        id,
        name,
        "h",
        "127.0.0.1",
        "linux",
        "amd64",
        2,
        1L,
        new Labels(properties, groups),
        Labels.EMPTY,
        1,
        "test",
        now,
        now,
        List.of(),
        false,
        false);
  }
}
