package io.cta.agent.secret;

import io.cta.agent.ConsumerClient.ConsumerException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the secrets a test references, once per test attempt, before its stages run. A secret
 * that no longer exists, or a fetch the consumer refuses, means the test must not run ({@link
 * Unavailable}); a consumer that cannot be reached is asked again, heartbeating meanwhile, so that
 * a consumer restart does not cost the test. Only names are ever logged.
 */
public final class SecretResolver {

  private static final Logger log = LoggerFactory.getLogger(SecretResolver.class);
  private static final long STEP_MILLIS = 200;

  private final SecretSource source;
  private final Duration firstRetry;
  private final Duration maxRetry;

  /**
   * @param firstRetry the wait before the first retry of an unreachable source; it doubles up to
   *     {@code maxRetry}
   */
  public SecretResolver(SecretSource source, Duration firstRetry, Duration maxRetry) {
    this.source = source;
    this.firstRetry = firstRetry;
    this.maxRetry = maxRetry;
  }

  /**
   * The values of {@code names} for this attempt. Retries until the source answers; {@code
   * heartbeat} runs at least every {@value #STEP_MILLIS} ms while waiting and ends the wait by
   * throwing (a cancel).
   *
   * @throws Unavailable when a secret is missing or the source refuses the fetch
   */
  public Secrets resolve(
      String executionId, String testId, int attempt, Set<String> names, Runnable heartbeat)
      throws Unavailable, InterruptedException {
    if (names.isEmpty()) {
      return Secrets.NONE;
    }
    names = new TreeSet<>(names); // messages name them in a stable order
    SecretSource.Request request =
        new SecretSource.Request(executionId, testId, attempt, List.copyOf(names));
    long wait = firstRetry.toMillis();
    while (true) {
      heartbeat.run();
      SecretSource.Answer answer;
      try {
        answer = fetch(request, heartbeat);
      } catch (ConsumerException refused) {
        if (refused.isBatchFault()) {
          throw new Unavailable(
              (names.size() == 1 ? "secret " : "secrets ")
                  + quoted(names)
                  + " could not be fetched: "
                  + refused.detail());
        }
        log.warn(
            "execution {}: test '{}': fetching secrets {} failed, retrying in {} ms: {}",
            executionId,
            testId,
            names,
            wait,
            refused.getMessage());
        pause(wait, heartbeat);
        wait = Math.min(wait * 2, maxRetry.toMillis());
        continue;
      } catch (IOException unreachable) {
        log.warn(
            "execution {}: test '{}': the consumer is unreachable for secrets {}, retrying in {} ms:"
                + " {}",
            executionId,
            testId,
            names,
            wait,
            unreachable.toString());
        pause(wait, heartbeat);
        wait = Math.min(wait * 2, maxRetry.toMillis());
        continue;
      }
      return secrets(names, answer);
    }
  }

  /**
   * Asks the source on a thread of its own and heartbeats while it answers: a running test's
   * heartbeat timeout (seconds) is shorter than an HTTP call may take, and a slow consumer must not
   * make this machine look lost. A cancel (the heartbeat throws) leaves the call to end on its own.
   */
  private SecretSource.Answer fetch(SecretSource.Request request, Runnable heartbeat)
      throws IOException, InterruptedException {
    CompletableFuture<SecretSource.Answer> answer = new CompletableFuture<>();
    Thread fetcher =
        new Thread(
            () -> {
              try {
                answer.complete(source.fetch(request));
              } catch (Throwable e) {
                answer.completeExceptionally(e);
              }
            },
            "cta-secrets");
    fetcher.setDaemon(true);
    fetcher.start();
    while (true) {
      try {
        return answer.get(STEP_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillAsking) {
        heartbeat.run();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IOException(e.getCause());
      }
    }
  }

  /** The answer's values, or why the test cannot run: a name it did not give a value for. */
  private static Secrets secrets(Set<String> names, SecretSource.Answer answer) throws Unavailable {
    List<String> missing = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : names) {
      String value = answer.values().get(name);
      if (value == null) {
        missing.add(name);
      } else {
        values.put(name, value);
      }
    }
    if (missing.size() == 1) {
      throw new Unavailable("secret " + quoted(missing) + " no longer exists");
    }
    if (!missing.isEmpty()) {
      throw new Unavailable("secrets " + quoted(missing) + " no longer exist");
    }
    return Secrets.of(values);
  }

  private static String quoted(Iterable<String> names) {
    List<String> list = new ArrayList<>();
    names.forEach(list::add);
    return list.stream().map(name -> "'" + name + "'").collect(Collectors.joining(", "));
  }

  private static void pause(long millis, Runnable heartbeat) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    long left;
    while ((left = deadline - System.currentTimeMillis()) > 0) {
      Thread.sleep(Math.min(left, STEP_MILLIS));
      heartbeat.run();
    }
  }

  /** The test cannot run: a secret it references is missing, or the fetch was refused. */
  public static final class Unavailable extends Exception {
    public Unavailable(String message) {
      super(message);
    }
  }
}
