package io.cta.server.execution;

import com.mongodb.client.gridfs.model.GridFSFile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.data.mongodb.gridfs.ReactiveGridFsTemplate;
import org.springframework.data.mongodb.gridfs.ReactiveGridFsUpload;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Attachments and screenshots of executions, in GridFS ({@code fs.files}, {@code fs.chunks}). Every
 * read and write is by key, also on the embedded MongoDB: a file by its ObjectId; an upload's
 * idempotency key in {@code file-keys} ({@code _id} = a digest of execution and key), so that a
 * re-upload after a lost answer returns the first copy; and each execution's file ids in {@link
 * BucketStore} ({@code file-buckets}), which retention reads to delete them. An upload's id is
 * appended there before its content is stored, so a crash midway leaves nothing retention cannot
 * find.
 */
@Component
public class FileStore {

  private static final Duration CHUNK_SETTLE = Duration.ofMillis(500);

  static final String KEYS = "file-keys";
  static final String USAGE = "file-usage";
  static final int FILES_PER_BUCKET = 500;

  /** An upload's entry in {@code file-buckets}: its file and the usage it counts in. */
  record FileEntry(String fileId, String usageId) {}

  /** Bytes uploaded for one attempt of one test on one machine ({@code file-usage}). */
  record Usage(String id, String executionId, long bytes) {}

  /** An upload's entry in {@code file-keys}. */
  record FileKey(String id, String executionId, String fileId, String name, long size) {}

  /** What an upload is, besides its content. */
  public record Upload(
      String executionId,
      String testId,
      int attempt,
      String machine,
      String kind,
      String name,
      String contentType,
      String key) {}

  /** A stored file and where to read it. */
  public record Download(StoredFile file, String contentType, Flux<DataBuffer> content) {}

  private final ReactiveMongoTemplate mongo;
  private final ReactiveGridFsTemplate gridFs;
  private final BucketStore<FileEntry> entries;

  public FileStore(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
    this.gridFs = new ReactiveGridFsTemplate(mongo.getMongoDatabaseFactory(), mongo.getConverter());
    this.entries =
        new BucketStore<>(mongo, "file-buckets", EntryCodecs.FILE_ENTRY, FILES_PER_BUCKET);
  }

  /** The file an earlier upload with the same execution and key stored, if any. */
  public Mono<StoredFile> findUpload(String executionId, String key) {
    return mongo
        .findById(keyId(executionId, key), FileKey.class, KEYS)
        .filterWhen(found -> find(found.fileId()).hasElement())
        .map(found -> new StoredFile(found.fileId(), found.name(), found.size()));
  }

  /** Bytes already stored for the upload's test attempt on its machine. */
  public Mono<Long> used(Upload upload) {
    return bytes(usageId(upload));
  }

  /**
   * Bytes already stored for the upload's test attempt on its machine, for its machine in its
   * execution, and for its execution. Three reads by {@code _id}.
   */
  public Mono<Used> usage(Upload upload) {
    return Mono.zip(
            used(upload),
            bytes(machineUsageId(upload)),
            bytes(executionUsageId(upload.executionId())))
        .map(t -> new Used(t.getT1(), t.getT2(), t.getT3()));
  }

  /** Bytes stored so far: for one test attempt on one machine, one machine, one execution. */
  public record Used(long test, long machine, long execution) {}

  private Mono<Long> bytes(String usageId) {
    return mongo.findById(usageId, Usage.class, USAGE).map(Usage::bytes).defaultIfEmpty(0L);
  }

  /**
   * Stores the content (streamed: it is never held in memory whole) and records its key. When a
   * concurrent upload of the same key won, this copy is deleted and the winner's file returned.
   */
  public Mono<StoredFile> store(Upload upload, Publisher<DataBuffer> content) {
    ObjectId id = new ObjectId();
    Document metadata =
        new Document("executionId", upload.executionId())
            .append("testId", upload.testId())
            .append("attempt", upload.attempt())
            .append("machine", upload.machine())
            .append("kind", upload.kind())
            .append("contentType", upload.contentType())
            .append("key", upload.key());
    ReactiveGridFsUpload<ObjectId> gridFsUpload =
        ReactiveGridFsUpload.fromPublisher(content)
            .id(id)
            .filename(upload.name())
            .contentType(upload.contentType())
            .metadata(metadata)
            .build();
    String keyId = keyId(upload.executionId(), upload.key());
    return entries
        .append(upload.executionId(), List.of(new FileEntry(id.toHexString(), usageId(upload))))
        .then(
            gridFs
                .store(gridFsUpload)
                .onErrorResume(
                    failed -> {
                      // A body refused midway (too large, cut off): keep none of its chunks. The
                      // driver may still be writing the last one when the error arrives, so the
                      // chunks are removed again a moment later.
                      Mono<Void> removeChunks =
                          mongo
                              .remove(Query.query(Criteria.where("files_id").is(id)), "fs.chunks")
                              .then();
                      return removeChunks
                          .then(Mono.delay(CHUNK_SETTLE))
                          .then(removeChunks)
                          .then(Mono.error(failed));
                    }))
        .then(find(id.toHexString()))
        .flatMap(
            stored ->
                Flux.just(
                        usageId(upload),
                        machineUsageId(upload),
                        executionUsageId(upload.executionId()))
                    .concatMap(
                        usageId ->
                            mongo.upsert(
                                Query.query(Criteria.where("_id").is(usageId)),
                                new Update()
                                    .set("executionId", upload.executionId())
                                    .inc("bytes", stored.size()),
                                USAGE))
                    .then(Mono.just(stored)))
        .flatMap(
            stored ->
                mongo
                    .insert(
                        new FileKey(
                            keyId, upload.executionId(), stored.id(), stored.name(), stored.size()),
                        KEYS)
                    .thenReturn(stored)
                    .onErrorResume(
                        DuplicateKeyException.class,
                        lost ->
                            delete(List.of(stored.id()))
                                .then(findUpload(upload.executionId(), upload.key()))));
  }

  /** The file's description, if it exists. */
  public Mono<StoredFile> find(String id) {
    return findFile(id).map(file -> new StoredFile(id, file.getFilename(), file.getLength()));
  }

  /** The file of this execution with this id, if any: a result may only reference its own. */
  public Mono<StoredFile> find(String executionId, String id) {
    return findFile(id)
        .filter(
            file ->
                file.getMetadata() != null
                    && executionId.equals(file.getMetadata().getString("executionId")))
        .map(file -> new StoredFile(id, file.getFilename(), file.getLength()));
  }

  /** The file and its content, if it exists. */
  public Mono<Download> download(String id) {
    return findFile(id)
        .flatMap(
            file ->
                gridFs
                    .getResource(file)
                    .map(
                        resource ->
                            new Download(
                                new StoredFile(id, file.getFilename(), file.getLength()),
                                contentType(file.getMetadata()),
                                resource.getDownloadStream())));
  }

  /** Deletes every file of the execution, then the list of them (retention). */
  public Mono<Void> deleteAll(String executionId) {
    return entries
        .all(executionId)
        .buffer(100)
        .concatMap(
            batch ->
                delete(batch.stream().map(FileEntry::fileId).toList())
                    .then(
                        mongo.remove(
                            Query.query(
                                Criteria.where("_id")
                                    .in(
                                        batch.stream()
                                            .map(FileEntry::usageId)
                                            .distinct()
                                            .toList())),
                            USAGE)))
        // The machine and execution totals, whose ids no entry names.
        .then(mongo.remove(Query.query(Criteria.where("executionId").is(executionId)), USAGE))
        .then(entries.delete(executionId));
  }

  /** Deletes the files and their keys: each content before its key. */
  private Mono<Void> delete(List<String> ids) {
    List<ObjectId> objectIds = ids.stream().filter(ObjectId::isValid).map(ObjectId::new).toList();
    return gridFs
        .find(Query.query(Criteria.where("_id").in(objectIds)))
        .concatMap(
            file ->
                gridFs
                    .delete(Query.query(Criteria.where("_id").is(file.getObjectId())))
                    .then(
                        file.getMetadata() == null
                            ? Mono.empty()
                            : mongo
                                .remove(
                                    Query.query(
                                        Criteria.where("_id")
                                            .is(
                                                keyId(
                                                    file.getMetadata().getString("executionId"),
                                                    file.getMetadata().getString("key")))),
                                    KEYS)
                                .then()))
        .then();
  }

  private Mono<GridFSFile> findFile(String id) {
    if (id == null || !ObjectId.isValid(id)) {
      return Mono.empty();
    }
    return gridFs.findOne(Query.query(Criteria.where("_id").is(new ObjectId(id))));
  }

  private static String contentType(Document metadata) {
    String type = metadata == null ? null : metadata.getString("contentType");
    return type == null ? "application/octet-stream" : type;
  }

  /** The usage of one machine in one execution (the per-machine quota). */
  private static String machineUsageId(Upload upload) {
    return keyId(upload.executionId(), "usage-machine/" + upload.machine());
  }

  /** The usage of one execution (the per-execution quota). */
  private static String executionUsageId(String executionId) {
    return keyId(executionId, "usage-execution");
  }

  private static String usageId(Upload upload) {
    return keyId(
        upload.executionId(),
        "usage/" + upload.testId() + "/" + upload.machine() + "/" + upload.attempt());
  }

  /** A fixed-length {@code _id} for any key: a digest of the execution and the agent's key. */
  static String keyId(String executionId, String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((executionId + "\n" + key).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
