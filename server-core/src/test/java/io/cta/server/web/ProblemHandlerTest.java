package io.cta.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.server.error.CtaException;
import io.cta.server.error.NotFoundException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class ProblemHandlerTest {

  @Test
  void givenEveryKindOfRefusal_whenMapped_thenEachHasItsOwnClientErrorStatus() {
    Set<Class<?>> kinds =
        Arrays.stream(CtaException.class.getPermittedSubclasses()).collect(Collectors.toSet());

    assertEquals(kinds, ProblemHandler.STATUS.keySet(), "a new kind of refusal needs a status");
    assertEquals(
        kinds.size(),
        Set.copyOf(ProblemHandler.STATUS.values()).size(),
        "two kinds with one status are one kind");
    ProblemHandler.STATUS.values().forEach(s -> assertTrue(s.is4xxClientError(), s.toString()));
  }

  @Test
  void givenAMissingThing_whenMapped_thenA404WithTheUsualWording() {
    NotFoundException missing = new NotFoundException("machine", "m1");

    assertEquals(HttpStatus.NOT_FOUND, ProblemHandler.status(missing));
    assertEquals("machine 'm1' does not exist", missing.getMessage());
  }
}
