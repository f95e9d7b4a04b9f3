package io.cta.consumer.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.cta.consumer.Fixtures;
import io.cta.server.scenario.SlotStore;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class ConcurrencySlotsTest {

  private static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");

  private static MongoServer mongoServer;

  @BeforeAll
  static void startMongo() {
    mongoServer = Fixtures.mongoServer();
  }

  @AfterAll
  static void stopMongo() {
    mongoServer.shutdownNow();
  }

  @Test
  void givenTwentyExecutionsRacingForThreeSlots_whenTheyAcquire_thenExactlyThreeHoldOne() {
    SlotStore slots = new SlotStore(Fixtures.mongo(mongoServer));

    List<Boolean> taken =
        Flux.fromStream(IntStream.range(0, 20).boxed())
            .flatMap(i -> slots.acquire("race", "e" + i, AT.plusMillis(i), 3), 20)
            .collectList()
            .block();

    assertEquals(3, taken.stream().filter(t -> t).count());
    assertEquals(3, slots.holders("race").block().size());
  }

  @Test
  void givenOneSlotAndTwoWaiters_whenItFrees_thenTheEarlierRequestGetsItWhateverTheRetryOrder() {
    SlotStore slots = new SlotStore(Fixtures.mongo(mongoServer));
    assertTrue(slots.acquire("fair", "holder", AT, 1).block());
    assertFalse(slots.acquire("fair", "early", AT.plusSeconds(1), 1).block());
    assertFalse(slots.acquire("fair", "late", AT.plusSeconds(2), 1).block());

    slots.release("fair", "holder", AT).block();

    assertFalse(
        slots.acquire("fair", "late", AT.plusSeconds(2), 1).block(), "early is first in line");
    assertTrue(slots.acquire("fair", "early", AT.plusSeconds(1), 1).block());
    slots.release("fair", "early", AT.plusSeconds(1)).block();
    assertTrue(slots.acquire("fair", "late", AT.plusSeconds(2), 1).block());
  }

  @Test
  void givenAHolder_whenItAcquiresAgainOrReleases_thenItIsIdempotentAndFreesTheSlot() {
    SlotStore slots = new SlotStore(Fixtures.mongo(mongoServer));

    assertTrue(slots.acquire("one", "a", AT, 1).block());
    assertTrue(slots.acquire("one", "a", AT, 1).block(), "a retried acquire keeps the slot");
    assertFalse(slots.acquire("one", "b", AT, 1).block());
    assertEquals(List.of("a"), slots.holders("one").block());
    slots.release("one", "a", AT).block();
    slots.release("one", "a", AT).block(); // a second release frees nothing more
    assertTrue(slots.acquire("one", "b", AT, 1).block());
    assertFalse(slots.acquire("one", "c", AT, 1).block());
  }
}
