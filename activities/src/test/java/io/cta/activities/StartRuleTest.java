package io.cta.activities;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StartRuleTest {

  @Test
  void givenMonoGroupOrParallel_whenOneMachineStarted_thenTheExecutionStarted() {
    for (RunMode mode : new RunMode[] {RunMode.mono, RunMode.group, RunMode.parallel}) {
      assertFalse(StartRule.started(mode, 3, 0, 0), mode.name());
      assertTrue(StartRule.started(mode, 3, 1, 0), mode.name());
    }
  }

  @Test
  void givenStress_whenAMachineIsLostBeforeItStarted_thenItNoLongerHoldsBackTheStart() {
    assertFalse(StartRule.started(RunMode.stress, 3, 2, 0), "one machine still pending");
    assertTrue(StartRule.started(RunMode.stress, 3, 3, 0));
    assertTrue(StartRule.started(RunMode.stress, 3, 2, 1), "the last one was lost");
    assertFalse(StartRule.started(RunMode.stress, 3, 1, 1));
  }
}
