package io.cta.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.cta.launcher.CtaClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;

/**
 * Storage under load (issue "Consumer"): results per second through the agents' batch endpoint
 * against a raw {@code insertMany} of the same documents into the same MongoDB in the same run;
 * then, with all of them stored, the latency of the hot reads over REST.
 */
final class StorageBench {

  /** Results per batch; with a log chunk per ten results, below the endpoint's 500 events. */
  static final int BATCH = 450;

  private static final int THREADS = 4;
  private static final String MACHINE = "bench-ingest";

  /** Ingestion rates (results/s) and read latencies (ms) by endpoint. */
  record Result(
      int results,
      int executions,
      double rawPerSecond,
      double apiPerSecond,
      Map<String, Stats> reads,
      List<String> problems) {}

  private StorageBench() {}

  /**
   * @param historySuite a suite whose test {@code noop} ran in the measurements before: its history
   *     is the hot read of "a test's history"
   */
  static Result run(
      CtaClient admin, String consumerUrl, int mongoPort, int results, String historySuite)
      throws Exception {
    int executions = Math.max(1, results / 1000);
    double raw = rawInsertMany(mongoPort, results);
    String agentToken =
        admin
            .post("/api/v1/tokens", Map.of("name", "bench-ingest", "role", "agent"))
            .expect(201)
            .body()
            .get("token")
            .asText();
    CtaClient agent = new CtaClient(consumerUrl, agentToken);
    agent
        .post(
            "/agent/v1/register",
            Map.ofEntries(
                Map.entry("name", MACHINE),
                Map.entry("hostname", MACHINE),
                Map.entry("ip", "127.0.0.1"),
                Map.entry("os", "linux"),
                Map.entry("arch", "amd64"),
                Map.entry("cpus", 1),
                Map.entry("memoryBytes", 1L << 30),
                Map.entry("agentVersion", "bench"),
                Map.entry("properties", Map.of()),
                Map.entry("groups", List.of()),
                Map.entry("slots", 1)))
        .expect(200);
    List<String> ids = pendingExecutions(admin, executions);
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    double api = ingest(agent, ids, results, problems);
    // The executions stay pending: the harness stops every process next.
    Map<String, Stats> reads = reads(admin, ids, historySuite);
    return new Result(results, executions, raw, api, reads, problems);
  }

  private static Document result(String executionId, int test, long now) {
    return new Document("executionId", executionId)
        .append("testId", "test-" + test)
        .append("case", "")
        .append("machine", MACHINE)
        .append("attempt", 1)
        .append("status", test % 10 == 0 ? "failed" : "ok")
        .append("message", test % 10 == 0 ? "assertion failed: expected 200 but was 500" : "passed")
        .append("durationMs", 120L)
        .append("startedAt", now)
        .append("finishedAt", now + 120);
  }

  /**
   * The baseline: the same documents, {@code insertMany} in batches of 1,000 from 4 threads. The
   * documents are built before the clock starts, as CTA's request bodies are.
   */
  private static double rawInsertMany(int mongoPort, int results) throws Exception {
    try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + mongoPort)) {
      MongoCollection<Document> collection =
          client.getDatabase("cta-bench-raw").getCollection("results");
      long now = System.currentTimeMillis();
      List<List<Document>> batches = new ArrayList<>();
      for (int batch = 0; batch < results / 1000; batch++) {
        List<Document> documents = new ArrayList<>(1000);
        for (int i = 0; i < 1000; i++) {
          documents.add(result("raw-" + batch, batch * 1000 + i, now));
        }
        batches.add(documents);
      }
      long started = System.nanoTime();
      parallel(batches.size(), batch -> collection.insertMany(batches.get(batch)));
      double perSecond = Stats.perSecond(results, (System.nanoTime() - started) / 1_000_000);
      client.getDatabase("cta-bench-raw").drop();
      return perSecond;
    }
  }

  /** Executions that wait for a machine that never polls: results can be posted to them. */
  private static List<String> pendingExecutions(CtaClient admin, int count) {
    String suite =
        admin
            .post(
                "/api/v1/suites",
                Map.of(
                    "name",
                    "bench-ingest",
                    "tests",
                    List.of(
                        Map.of(
                            "id", "t", "stages", List.of(Map.of("name", "run", "run", "true"))))))
            .expect(201)
            .body()
            .get("id")
            .asText();
    String configuration =
        admin
            .post(
                "/api/v1/configurations",
                Map.of(
                    "name",
                    "bench-ingest",
                    "runMode",
                    "mono",
                    "target",
                    Map.of("machine", MACHINE),
                    "includeOffline",
                    true))
            .expect(201)
            .body()
            .get("id")
            .asText();
    String scenario =
        admin
            .post(
                "/api/v1/scenarios",
                Map.of(
                    "name",
                    "bench-ingest",
                    "testSuiteId",
                    suite,
                    "configurationId",
                    configuration,
                    "pendingTimeout",
                    3_600_000))
            .expect(201)
            .body()
            .get("id")
            .asText();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(
          admin
              .post("/api/v1/scenarios/" + scenario + "/run", null)
              .expect(201)
              .body()
              .get("id")
              .asText());
    }
    return ids;
  }

  /**
   * Posts {@code results} results, and a log chunk per ten, in batches from 4 threads. The request
   * bodies are serialized before the clock starts: agents do that on their own machines.
   */
  private static double ingest(
      CtaClient agent, List<String> ids, int results, List<String> problems) throws Exception {
    int perExecution = results / ids.size();
    int batchesPerExecution = (perExecution + BATCH - 1) / BATCH;
    long now = System.currentTimeMillis();
    List<byte[]> bodies = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (int batch = 0; batch < ids.size() * batchesPerExecution; batch++) {
      String id = ids.get(batch % ids.size());
      int first = (batch / ids.size()) * BATCH;
      List<Map<String, Object>> events = new ArrayList<>(BATCH + BATCH / 10 + 1);
      int inBatch = 0;
      for (int i = first; i < first + BATCH && i < perExecution; i++, inBatch++) {
        Map<String, Object> event = new LinkedHashMap<>(result(id, i, now));
        event.remove("case");
        event.remove("machine");
        event.put("key", "result/" + id + "/test-" + i);
        event.put("type", "result");
        event.put("caseName", "");
        event.put("at", now);
        events.add(event);
        if (i % 10 == 0) {
          events.add(
              Map.of(
                  "key",
                  "log/" + id + "/test-" + i,
                  "type",
                  "log",
                  "executionId",
                  id,
                  "testId",
                  "test-" + i,
                  "attempt",
                  1,
                  "at",
                  now,
                  "stage",
                  "run",
                  "stream",
                  "stdout",
                  "seq",
                  0,
                  "text",
                  "running test-" + i + "\nok\n"));
        }
      }
      bodies.add(json.writeValueAsBytes(Map.of("machine", MACHINE, "events", events)));
      sizes.add(inBatch);
    }
    AtomicInteger posted = new AtomicInteger();
    long started = System.nanoTime();
    parallel(
        bodies.size(),
        batch -> {
          CtaClient.Response response = agent.post("/agent/v1/events", bodies.get(batch));
          if (response.status() != 200) {
            problems.add("events: HTTP " + response.status() + " " + response.body());
          } else {
            posted.addAndGet(sizes.get(batch));
          }
        });
    return Stats.perSecond(posted.get(), (System.nanoTime() - started) / 1_000_000);
  }

  /** Each hot read 100 times on random executions, with everything stored. */
  private static Map<String, Stats> reads(CtaClient admin, List<String> ids, String historySuite) {
    Map<String, String> paths = new LinkedHashMap<>();
    paths.put("execution", "/api/v1/executions/%s");
    paths.put("its results", "/api/v1/executions/%s/results");
    paths.put("its logs", "/api/v1/executions/%s/logs");
    paths.put("a machine", "/api/v1/machines/" + MACHINE);
    String history = "/api/v1/suites/" + historySuite + "/tests/noop/history?limit=200";
    int runs = admin.get(history).expect(200).body().get("runs").size();
    paths.put("a test's history (" + runs + " runs)", history);
    Random random = new Random(42);
    Map<String, Stats> stats = new LinkedHashMap<>();
    paths.forEach(
        (name, path) -> {
          List<Long> samples = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            String url = String.format(path, ids.get(random.nextInt(ids.size())));
            long started = System.nanoTime();
            JsonNode body = admin.get(url).expect(200).body();
            samples.add((System.nanoTime() - started) / 1_000_000);
            if (body == null) {
              throw new IllegalStateException(url + " answered no body");
            }
          }
          stats.put(name, Stats.of(samples));
        });
    return stats;
  }

  interface Task {
    void run(int index) throws Exception;
  }

  private static void parallel(int count, Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(
            pool.submit(
                () -> {
                  task.run(index);
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
  }
}
