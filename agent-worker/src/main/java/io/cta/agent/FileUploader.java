package io.cta.agent;

import io.cta.agent.run.ResultFiles;
import io.cta.agent.run.TestRun;
import io.cta.testrunner.result.CaseResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads the attachments and screenshots of a result to the consumer ({@code POST
 * /agent/v1/files}) before the result is sent, and puts the file ids in place of the paths. While
 * the consumer is unreachable (or answers 408, 429 or 5xx) it retries with backoff, heartbeating
 * the test, for up to {@link #GIVE_UP_MILLIS}. A file it cannot upload (refused, for example over
 * the size limit, or gone) is left out, logged, and named in the result's description. Each upload
 * carries an idempotency key from the test attempt, the path and a digest of the content, so a
 * retry after a lost answer stores nothing twice, and a file rewritten between two posts is a new
 * file.
 */
class FileUploader implements ResultFiles {

  private static final Logger log = LoggerFactory.getLogger(FileUploader.class);
  static final long GIVE_UP_MILLIS = 120_000;
  private static final int MAX_KEY = 300;

  /** The consumer's answer to an upload. */
  record StoredFile(String id, String name, long size) {}

  private final ConsumerClient client;
  private final long firstBackoffMillis;

  FileUploader(ConsumerClient client) {
    this(client, 200);
  }

  FileUploader(ConsumerClient client, long firstBackoffMillis) {
    this.client = client;
    this.firstBackoffMillis = firstBackoffMillis;
  }

  @Override
  public CaseResult upload(TestRun run, CaseResult result) {
    List<String> notes = new ArrayList<>();
    List<String> attachments = upload(run, "attachment", result.attachments(), notes);
    List<String> screenshots = upload(run, "screenshot", result.screenshots(), notes);
    String description = result.description();
    if (!notes.isEmpty()) {
      String note = String.join("\n", notes);
      description = description == null || description.isBlank() ? note : description + "\n" + note;
    }
    return new CaseResult(
        result.caseName(),
        result.status(),
        result.message(),
        description,
        result.durationMs(),
        result.custom(),
        attachments,
        screenshots);
  }

  private List<String> upload(TestRun run, String kind, List<String> paths, List<String> notes) {
    List<String> ids = new ArrayList<>();
    for (String path : paths) {
      try {
        ids.add(upload(run, kind, path).id());
      } catch (NotUploaded e) {
        // The path and the reason come from the test: masked like its output.
        log.warn(
            "execution {}: {} '{}' of test '{}' not uploaded: {}",
            run.executionId(),
            kind,
            run.masker().mask(path),
            run.test().id(),
            run.masker().mask(e.getMessage()));
        notes.add("[CTA: " + kind + " '" + path + "' not uploaded: " + e.getMessage() + "]");
      }
    }
    return ids;
  }

  StoredFile upload(TestRun run, String kind, String path) throws NotUploaded {
    Path file = run.testDir().resolve(path);
    String key;
    try {
      key = key(run, kind, path, sha256(file));
    } catch (IOException e) {
      throw new NotUploaded("cannot read it: " + e.getMessage());
    }
    Map<String, String> query = new LinkedHashMap<>();
    query.put("machine", run.machine());
    query.put("executionId", run.executionId());
    query.put("testId", run.test().id());
    query.put("attempt", String.valueOf(run.attempt()));
    query.put("kind", kind);
    query.put("name", file.getFileName().toString());
    query.put("key", key);
    long giveUpAt = System.currentTimeMillis() + GIVE_UP_MILLIS;
    long backoff = firstBackoffMillis;
    while (true) {
      try {
        return client.upload("agent/v1/files", query, file, contentType(file), StoredFile.class);
      } catch (ConsumerClient.ConsumerException refused) {
        if (refused.isPermanent()) {
          throw new NotUploaded(refused.detail());
        }
        retryOrGiveUp(refused, giveUpAt, backoff, run);
      } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException gone) {
        throw new NotUploaded("cannot read it: " + gone.getMessage());
      } catch (IOException unreachable) {
        retryOrGiveUp(unreachable, giveUpAt, backoff, run);
      }
      backoff = Math.min(backoff * 2, 5000);
    }
  }

  private static void retryOrGiveUp(IOException e, long giveUpAt, long backoff, TestRun run)
      throws NotUploaded {
    if (System.currentTimeMillis() + backoff > giveUpAt) {
      throw new NotUploaded(
          "the consumer could not take it within " + GIVE_UP_MILLIS / 1000 + " s");
    }
    log.warn("cannot upload a file yet ({}); retrying in {} ms", e.getMessage(), backoff);
    long until = System.currentTimeMillis() + backoff;
    while (System.currentTimeMillis() < until) {
      try {
        run.heartbeat();
      } catch (RuntimeException stopping) {
        // Canceled or timed out: the activity ends through its next heartbeat elsewhere.
        throw new NotUploaded("the test is stopping");
      }
      try {
        Thread.sleep(Math.min(200, Math.max(1, until - System.currentTimeMillis())));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new NotUploaded("interrupted");
      }
    }
  }

  /** The upload's idempotency key: the test attempt, the path and the content's digest. */
  private static String key(TestRun run, String kind, String path, String digest) {
    String key =
        String.join(
            "/",
            "file",
            run.executionId(),
            run.test().id(),
            run.machine(),
            String.valueOf(run.attempt()),
            kind,
            digest,
            path);
    return key.length() <= MAX_KEY
        ? key
        : "file/sha-256/" + hex(key.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The file's type from its name, else {@code application/octet-stream}. */
  static String contentType(Path file) {
    String type = URLConnection.guessContentTypeFromName(file.getFileName().toString());
    if (type == null) {
      try {
        type = Files.probeContentType(file);
      } catch (IOException ignored) {
        // no guess
      }
    }
    return type == null ? "application/octet-stream" : type;
  }

  /** A file that will not be uploaded: the result goes without it. */
  static final class NotUploaded extends Exception {
    NotUploaded(String message) {
      super(message);
    }
  }
}
