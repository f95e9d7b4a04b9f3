package io.cta.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FailureTypeTest {

  @Test
  void givenTheFailureTypes_whenListed_thenTheirStringsAreThoseRecordedInHistories() {
    // Workflow histories recorded before this enum existed carry these strings, and workflow code
    // compares them: renaming one would change how a replayed history branches.
    Map<FailureType, String> types =
        Arrays.stream(FailureType.values()).collect(Collectors.toMap(t -> t, FailureType::type));
    assertEquals(
        Map.of(
            FailureType.AGENT_FULL, "AgentFull",
            FailureType.AGENT_DRAIN_TIMED_OUT, "AgentDrainTimedOut",
            FailureType.INTERRUPTED, "Interrupted",
            FailureType.UNKNOWN_TEST_TYPE, "UnknownTestType",
            FailureType.NOT_FOUND, "NotFound",
            FailureType.NOT_DELIVERED, "NotDelivered",
            FailureType.RESULTS_MISSING, "ResultsMissing",
            FailureType.SCENARIO_BUSY, "ScenarioBusy",
            FailureType.VM_PROVIDER_REFUSED, "VmProviderRefused"),
        types);
  }

  @Test
  void givenAType_whenAFailureIsBuilt_thenItCarriesTheTypeAndItsRetryability() {
    ApplicationFailure retryable = FailureType.RESULTS_MISSING.retryable("2 missing");
    ApplicationFailure fatal = FailureType.NOT_FOUND.nonRetryable("gone");

    assertEquals("ResultsMissing", retryable.getType());
    assertFalse(retryable.isNonRetryable());
    assertEquals("NotFound", fatal.getType());
    assertTrue(fatal.isNonRetryable());
    assertTrue(FailureType.NOT_FOUND.is(fatal));
    assertFalse(FailureType.AGENT_FULL.is(fatal));
    assertFalse(FailureType.AGENT_FULL.is(new IllegalStateException("AgentFull")));
    assertFalse(FailureType.AGENT_FULL.is(null));
  }
}
