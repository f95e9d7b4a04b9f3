package io.cta.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TaskQueuesTest {

  @Test
  void givenAMachineName_whenBuildingItsQueue_thenTheNameIsPrefixed() {
    assertEquals("cta-machine-lab-01", TaskQueues.machine("lab-01"));
  }

  @Test
  void givenTheSameNameAsMachineAndGroup_whenBuildingQueues_thenTheyDiffer() {
    assertNotEquals(TaskQueues.machine("linux"), TaskQueues.group("linux"));
    assertNotEquals(TaskQueues.group("x"), TaskQueues.pool("x"));
    assertNotEquals(TaskQueues.SERVER, TaskQueues.machine("server"));
  }

  @Test
  void givenANameWithSpacesOrSlashes_whenBuildingAQueue_thenItIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> TaskQueues.machine("lab 01"));
    assertThrows(IllegalArgumentException.class, () -> TaskQueues.group("a/b"));
    assertThrows(IllegalArgumentException.class, () -> TaskQueues.machine(""));
    assertThrows(NullPointerException.class, () -> TaskQueues.machine(null));
  }

  @Test
  void givenNames_whenValidating_thenOnlyPortableNamesPass() {
    assertTrue(TaskQueues.isValidName("win11.x64_lab-2"));
    assertFalse(TaskQueues.isValidName("-leading-dash"));
    assertFalse(TaskQueues.isValidName("x".repeat(129)));
    assertTrue(TaskQueues.isValidName("x".repeat(128)));
  }
}
