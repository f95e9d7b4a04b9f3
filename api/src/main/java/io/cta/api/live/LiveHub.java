package io.cta.api.live;

import io.cta.server.live.LiveEvent;
import io.cta.server.live.LiveFeedStore;
import io.cta.server.security.TokenStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * This api process's reader of the {@link LiveFeedStore}: one poll of the feed's counter every
 * {@code cta.live.poll} (100 ms), and when it moved, the new events in order to every WebSocket
 * session. A sequence number reserved but not yet written holds delivery back for at most {@link
 * #GAP_WAIT} (a writer that died after reserving never writes it), then it is skipped.
 */
@Component
public class LiveHub implements SmartLifecycle {

  static final Duration GAP_WAIT = Duration.ofSeconds(2);
  static final Duration TOKEN_CHECK = Duration.ofSeconds(30);

  /** At most this many sequence numbers per poll, so a burst is delivered in bounded steps. */
  private static final int MAX_READ = 1024;

  private static final Logger log = LoggerFactory.getLogger(LiveHub.class);

  private final LiveFeedStore feed;
  private final TokenStore tokens;
  private final Duration poll;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private final Set<LiveSession> sessions = new HashSet<>(); // guarded by lock
  private final LiveProperties limits;
  private final Map<String, Integer> openByToken = new HashMap<>(); // guarded by lock
  private int open; // sessions reserved in all; guarded by lock
  private long position; // the last sequence number delivered; guarded by lock
  private long missingSince; // when delivery started waiting for a gap (nanoTime); poll thread
  private volatile Disposable polling;
  private volatile Disposable tokenChecks;

  @Autowired
  LiveHub(
      LiveFeedStore feed,
      TokenStore tokens,
      @Value("${cta.live.poll:100ms}") Duration poll,
      LiveProperties limits) {
    this(feed, tokens, poll, System::nanoTime, limits);
  }

  LiveHub(LiveFeedStore feed, TokenStore tokens, Duration poll, LongSupplier nanoTime) {
    this(feed, tokens, poll, nanoTime, LiveProperties.DEFAULTS);
  }

  LiveHub(
      LiveFeedStore feed,
      TokenStore tokens,
      Duration poll,
      LongSupplier nanoTime,
      LiveProperties limits) {
    this.feed = feed;
    this.tokens = tokens;
    this.poll = poll;
    this.nanoTime = nanoTime;
    this.limits = limits;
  }

  LiveFeedStore feed() {
    return feed;
  }

  LiveProperties limits() {
    return limits;
  }

  long nanoTime() {
    return nanoTime.getAsLong();
  }

  /**
   * Why one more session of this token would pass a cap, or null if it would not. Asked before a
   * ticket is issued, so a browser hears of the cap before it tries the handshake.
   */
  String refusal(String tokenId) {
    synchronized (lock) {
      if (openByToken.getOrDefault(tokenId, 0) >= limits.maxSessionsPerToken()) {
        return "this token has "
            + limits.maxSessionsPerToken()
            + " WebSocket sessions open, the most allowed (cta.live.max-sessions-per-token):"
            + " close one first";
      }
      if (open >= limits.maxSessions()) {
        return "this api process has "
            + limits.maxSessions()
            + " WebSocket sessions open, the most allowed (cta.live.max-sessions): try again later";
      }
      return null;
    }
  }

  /**
   * Counts one more session of the token, unless that passes a cap: then nothing is counted and the
   * answer is why. Each reservation is given back with {@link #release} when its socket ends.
   */
  String reserve(String tokenId) {
    synchronized (lock) {
      String refusal = refusal(tokenId);
      if (refusal == null) {
        openByToken.merge(tokenId, 1, Integer::sum);
        open++;
      }
      return refusal;
    }
  }

  void release(String tokenId) {
    synchronized (lock) {
      Integer n = openByToken.get(tokenId);
      if (n == null) {
        return; // never reserved
      }
      if (n == 1) {
        openByToken.remove(tokenId);
      } else {
        openByToken.put(tokenId, n - 1);
      }
      open--;
    }
  }

  /** Sessions reserved in all (tests). */
  int open() {
    synchronized (lock) {
      return open;
    }
  }

  void register(LiveSession session) {
    synchronized (lock) {
      sessions.add(session);
    }
  }

  void unregister(LiveSession session) {
    synchronized (lock) {
      sessions.remove(session);
    }
  }

  /**
   * Runs {@code action} with the last delivered sequence number while no event is being delivered:
   * every event after it reaches the session through {@link LiveSession#offer}.
   */
  long atPosition(LongConsumer action) {
    synchronized (lock) {
      action.accept(position);
      return position;
    }
  }

  /**
   * Closes the sessions whose token was revoked since they connected: a socket outlives the
   * handshake that checked its token. Runs every {@link #TOKEN_CHECK}.
   */
  Mono<Void> checkTokens() {
    List<LiveSession> open;
    synchronized (lock) {
      open = List.copyOf(sessions);
    }
    return Flux.fromStream(open.stream().map(LiveSession::tokenId).distinct())
        .filterWhen(tokenId -> tokens.exists(tokenId).map(exists -> !exists))
        .collect(Collectors.toSet())
        .doOnNext(
            revoked ->
                open.stream()
                    .filter(s -> revoked.contains(s.tokenId()))
                    .forEach(LiveSession::revoked))
        .then();
  }

  /** One poll: deliver what the feed holds beyond the position, in order. */
  Mono<Void> poll() {
    return feed.head()
        .flatMap(
            head -> {
              long from;
              synchronized (lock) {
                if (sessions.isEmpty()) {
                  position = Math.max(position, head); // nobody to tell: skip ahead
                  return Mono.empty();
                }
                from = position;
              }
              if (head <= from) {
                return Mono.empty();
              }
              long upTo = Math.min(head, from + MAX_READ);
              return feed.read(from, upTo)
                  .collectList()
                  .doOnNext(events -> deliver(events, from, upTo));
            })
        .then();
  }

  private void deliver(List<LiveEvent> events, long from, long upTo) {
    long now = nanoTime.getAsLong();
    long next = from + 1;
    for (LiveEvent event : events) {
      if (event.seq() > next) {
        if (!gapExpired(now)) {
          return;
        }
        log.debug("live feed: skipping unwritten events {}..{}", next, event.seq() - 1);
      }
      dispatch(event);
      next = event.seq() + 1;
      missingSince = 0;
    }
    if (next <= upTo) {
      if (gapExpired(now)) {
        log.debug("live feed: skipping unwritten events {}..{}", next, upTo);
        synchronized (lock) {
          position = Math.max(position, upTo);
        }
        missingSince = 0;
      }
    }
  }

  /** Starts the gap clock on first sight; true once the gap is older than {@link #GAP_WAIT}. */
  private boolean gapExpired(long now) {
    if (missingSince == 0) {
      missingSince = now;
      return false;
    }
    return now - missingSince >= GAP_WAIT.toNanos();
  }

  private void dispatch(LiveEvent event) {
    synchronized (lock) {
      if (event.seq() <= position) {
        return;
      }
      position = event.seq();
      for (LiveSession session : sessions) {
        session.offer(event);
      }
    }
  }

  @Override
  public void start() {
    long head = feed.head().block(Duration.ofSeconds(30));
    synchronized (lock) {
      position = head;
    }
    polling =
        Flux.interval(poll, Schedulers.newSingle("cta-live"))
            .onBackpressureDrop()
            .concatMap(
                tick ->
                    poll()
                        .onErrorResume(
                            e -> {
                              log.warn("live feed: poll failed: {}", e.toString());
                              return Mono.empty();
                            }),
                1)
            .subscribe();
    tokenChecks =
        Flux.interval(TOKEN_CHECK, Schedulers.parallel())
            .onBackpressureDrop()
            .concatMap(tick -> checkTokens().onErrorResume(e -> Mono.empty()), 1)
            .subscribe();
  }

  @Override
  public void stop() {
    for (Disposable d : new Disposable[] {polling, tokenChecks}) {
      if (d != null) {
        d.dispose();
      }
    }
    polling = null;
  }

  @Override
  public boolean isRunning() {
    return polling != null;
  }
}
