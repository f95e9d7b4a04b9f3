package io.cta.server.execution;

import io.cta.activities.TestStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.BsonWriter;

/**
 * The BSON of bucket entries, written and read field by field. Spring's reflective mapping cost the
 * consumer more CPU than anything else while ingesting (docs/benchmarks.md). Names and types are
 * those Spring wrote, so older buckets read back unchanged. Left out, to keep entries small: nulls,
 * empty lists, the execution id (the bucket's) and a result's id (its counting key, derived from
 * its fields). Custom values are stored as {@code [{k, v}]} pairs, because keys such as {@code
 * java.version} (JUnit report properties) are not field names every MongoDB accepts; the older
 * document form still reads.
 */
final class EntryCodecs {

  private EntryCodecs() {}

  static final EntryCodec<ResultDocument> RESULT =
      new EntryCodec<>() {
        @Override
        void fields(Out out, ResultDocument r, String bucketExecution) {
          String key =
              ResultDocument.key(
                  r.executionId(), r.testId(), r.caseName(), r.machine(), r.attempt());
          out.string("_id", key.equals(r.id()) ? null : r.id());
          out.other("executionId", r.executionId(), bucketExecution);
          out.string("testId", r.testId());
          out.string("case", r.caseName());
          out.string("machine", r.machine());
          out.writer.writeInt32("attempt", r.attempt());
          out.string("status", r.status() == null ? null : r.status().name());
          out.string("message", r.message());
          out.string("description", r.description());
          if (r.durationMs() != null) {
            out.writer.writeInt64("durationMs", r.durationMs());
          }
          out.files("attachments", r.attachments());
          out.files("screenshots", r.screenshots());
          out.custom(r.custom());
          out.instant("startedAt", r.startedAt());
          out.instant("finishedAt", r.finishedAt());
          out.writer.writeBoolean("late", r.late());
          out.instant("receivedAt", r.receivedAt());
        }

        @Override
        ResultDocument read(In in, String bucketExecution) {
          String id = null, executionId = bucketExecution, testId = null, caseName = null;
          String machine = null, message = null, description = null;
          int attempt = 0;
          TestStatus status = null;
          Long durationMs = null;
          List<StoredFile> attachments = List.of(), screenshots = List.of();
          Map<String, String> custom = Map.of();
          Instant startedAt = null, finishedAt = null, receivedAt = null;
          boolean late = false;
          while (in.next()) {
            switch (in.name) {
              case "_id" -> id = in.string();
              case "executionId" -> executionId = in.string();
              case "testId" -> testId = in.string();
              case "case" -> caseName = in.string();
              case "machine" -> machine = in.string();
              case "attempt" -> attempt = (int) in.number();
              case "status" -> status = TestStatus.valueOf(in.string());
              case "message" -> message = in.string();
              case "description" -> description = in.string();
              case "durationMs" -> durationMs = in.number();
              case "attachments" -> attachments = in.files();
              case "screenshots" -> screenshots = in.files();
              case "custom" -> custom = in.custom();
              case "startedAt" -> startedAt = in.instant();
              case "finishedAt" -> finishedAt = in.instant();
              case "late" -> late = in.reader.readBoolean();
              case "receivedAt" -> receivedAt = in.instant();
              default -> in.reader.skipValue();
            }
          }
          return new ResultDocument(
              id != null ? id : ResultDocument.key(executionId, testId, caseName, machine, attempt),
              executionId,
              testId,
              caseName,
              machine,
              attempt,
              status,
              message,
              description,
              durationMs,
              attachments,
              screenshots,
              custom,
              startedAt,
              finishedAt,
              late,
              receivedAt);
        }
      };

  static final EntryCodec<LogChunkDocument> LOG_CHUNK =
      new EntryCodec<>() {
        @Override
        void fields(Out out, LogChunkDocument c, String bucketExecution) {
          out.string("_id", c.id());
          out.other("executionId", c.executionId(), bucketExecution);
          out.string("testId", c.testId());
          out.string("machine", c.machine());
          out.writer.writeInt32("attempt", c.attempt());
          out.string("stage", c.stage());
          out.string("stream", c.stream());
          out.writer.writeInt64("seq", c.seq());
          out.string("text", c.text());
          out.instant("at", c.at());
        }

        @Override
        LogChunkDocument read(In in, String bucketExecution) {
          String id = null, executionId = bucketExecution, testId = null, machine = null;
          String stage = null, stream = null, text = null;
          int attempt = 0;
          long seq = 0;
          Instant at = null;
          while (in.next()) {
            switch (in.name) {
              case "_id" -> id = in.string();
              case "executionId" -> executionId = in.string();
              case "testId" -> testId = in.string();
              case "machine" -> machine = in.string();
              case "attempt" -> attempt = (int) in.number();
              case "stage" -> stage = in.string();
              case "stream" -> stream = in.string();
              case "seq" -> seq = in.number();
              case "text" -> text = in.string();
              case "at" -> at = in.instant();
              default -> in.reader.skipValue();
            }
          }
          return new LogChunkDocument(
              id, executionId, testId, machine, attempt, stage, stream, seq, text, at);
        }
      };

  static final EntryCodec<StateEventDocument> STATE_EVENT =
      new EntryCodec<>() {
        @Override
        void fields(Out out, StateEventDocument s, String bucketExecution) {
          out.string("_id", s.id());
          out.other("executionId", s.executionId(), bucketExecution);
          out.string("machine", s.machine());
          out.string("state", s.state());
          out.string("detail", s.detail());
          out.instant("at", s.at());
        }

        @Override
        StateEventDocument read(In in, String bucketExecution) {
          String id = null, executionId = bucketExecution, machine = null, state = null;
          String detail = null;
          Instant at = null;
          while (in.next()) {
            switch (in.name) {
              case "_id" -> id = in.string();
              case "executionId" -> executionId = in.string();
              case "machine" -> machine = in.string();
              case "state" -> state = in.string();
              case "detail" -> detail = in.string();
              case "at" -> at = in.instant();
              default -> in.reader.skipValue();
            }
          }
          return new StateEventDocument(id, executionId, machine, state, detail, at);
        }
      };

  static final EntryCodec<FileStore.FileEntry> FILE_ENTRY =
      new EntryCodec<>() {
        @Override
        void fields(Out out, FileStore.FileEntry f, String bucketExecution) {
          out.string("fileId", f.fileId());
          out.string("usageId", f.usageId());
        }

        @Override
        FileStore.FileEntry read(In in, String bucketExecution) {
          String fileId = null, usageId = null;
          while (in.next()) {
            switch (in.name) {
              case "fileId" -> fileId = in.string();
              case "usageId" -> usageId = in.string();
              default -> in.reader.skipValue();
            }
          }
          return new FileStore.FileEntry(fileId, usageId);
        }
      };

  /** An entry as one BSON document: its fields in between. */
  abstract static class EntryCodec<T> {

    abstract void fields(Out out, T entry, String bucketExecution);

    /** Reads the fields of the document the reader has entered. */
    abstract T read(In in, String bucketExecution);

    /** Writes the entry; {@code bucketExecution} is the execution of its bucket. */
    final void encode(BsonWriter writer, T entry, String bucketExecution) {
      writer.writeStartDocument();
      fields(new Out(writer), entry, bucketExecution);
      writer.writeEndDocument();
    }

    /** Reads the entry at the reader; {@code bucketExecution} is the execution of its bucket. */
    final T decode(BsonReader reader, String bucketExecution) {
      reader.readStartDocument();
      T entry = read(new In(reader), bucketExecution);
      reader.readEndDocument();
      return entry;
    }
  }

  private static final class Out {

    final BsonWriter writer;

    Out(BsonWriter writer) {
      this.writer = writer;
    }

    void string(String name, String value) {
      if (value != null) {
        writer.writeString(name, value);
      }
    }

    /** Writes the value unless it is the usual one (which is what a reader assumes). */
    void other(String name, String value, String usual) {
      string(name, value == null || value.equals(usual) ? null : value);
    }

    void instant(String name, Instant value) {
      if (value != null) {
        writer.writeDateTime(name, value.toEpochMilli());
      }
    }

    void files(String name, List<StoredFile> files) {
      if (files == null || files.isEmpty()) {
        return;
      }
      writer.writeStartArray(name);
      for (StoredFile file : files) {
        writer.writeStartDocument();
        string("_id", file.id());
        string("name", file.name());
        writer.writeInt64("size", file.size());
        writer.writeEndDocument();
      }
      writer.writeEndArray();
    }

    void custom(Map<String, String> custom) {
      if (custom == null || custom.isEmpty()) {
        return;
      }
      writer.writeStartArray("custom");
      for (Map.Entry<String, String> value : custom.entrySet()) {
        writer.writeStartDocument();
        string("k", value.getKey());
        string("v", value.getValue());
        writer.writeEndDocument();
      }
      writer.writeEndArray();
    }
  }

  /** Walks the fields of a document; a null field is skipped, so it reads as absent. */
  private static final class In {

    final BsonReader reader;
    String name;
    BsonType type;

    In(BsonReader reader) {
      this.reader = reader;
    }

    boolean next() {
      while ((type = reader.readBsonType()) != BsonType.END_OF_DOCUMENT) {
        name = reader.readName();
        if (type != BsonType.NULL) {
          return true;
        }
        reader.readNull();
      }
      return false;
    }

    String string() {
      return reader.readString();
    }

    long number() {
      return switch (type) {
        case INT32 -> reader.readInt32();
        case INT64 -> reader.readInt64();
        case DOUBLE -> (long) reader.readDouble();
        default -> throw new IllegalStateException(name + ": a number expected, found " + type);
      };
    }

    Instant instant() {
      return Instant.ofEpochMilli(reader.readDateTime());
    }

    List<StoredFile> files() {
      List<StoredFile> files = new ArrayList<>();
      reader.readStartArray();
      while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
        reader.readStartDocument();
        String id = null, fileName = null;
        long size = 0;
        while (next()) {
          switch (name) {
            case "_id" -> id = string();
            case "name" -> fileName = string();
            case "size" -> size = number();
            default -> reader.skipValue();
          }
        }
        reader.readEndDocument();
        files.add(new StoredFile(id, fileName, size));
      }
      reader.readEndArray();
      return files;
    }

    Map<String, String> custom() {
      Map<String, String> custom = new LinkedHashMap<>();
      if (type == BsonType.DOCUMENT) {
        reader.readStartDocument();
        while (next()) {
          custom.put(name, string());
        }
        reader.readEndDocument();
        return custom;
      }
      reader.readStartArray();
      while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
        reader.readStartDocument();
        String key = null, value = null;
        while (next()) {
          switch (name) {
            case "k" -> key = string();
            case "v" -> value = string();
            default -> reader.skipValue();
          }
        }
        reader.readEndDocument();
        custom.put(key, value);
      }
      reader.readEndArray();
      return custom;
    }
  }
}
