package io.cta.agent;

import io.cta.activities.events.AgentEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's durable, bounded event queue (docs/agent.md, "How the agent delivers events"). Events
 * are appended to segment files ({@code <position>.seg}, named by the position of their first byte
 * in the queue) as records of {@code length, CRC-32, JSON}; the file {@code ack} holds the position
 * of the first event the consumer has not acknowledged. Delivery reads from there, so what was not
 * acknowledged before a restart is delivered first after it. Only the batch being delivered is held
 * in memory.
 *
 * <p>Every event reaches the operating system when it is appended, so it survives the agent process
 * dying. Results and state events reach the disk within {@value #SYNC_MILLIS} ms (one fsync for all
 * appended meanwhile: a test reporting thousands of cases does not wait for thousands of fsyncs),
 * and whenever {@link #sync} is called; log chunks with them. A half-written last record (a crash
 * while appending) is cut off when the buffer opens. The directory is locked: a second agent
 * process cannot open it.
 */
final class EventBuffer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventBuffer.class);
  static final long SEGMENT_BYTES = 8L * 1024 * 1024;
  private static final int HEADER = 8;
  private static final int MAX_RECORD = 64 * 1024 * 1024;
  private static final String SUFFIX = ".seg";
  static final long SYNC_MILLIS = 200;

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final FileChannel lockChannel;
  private final FileLock lock;

  /** Segment files by their first position; contiguous, the last one is written. */
  private final TreeMap<Long, Path> segments = new TreeMap<>();

  private FileChannel writer;
  private long writePos;
  private long ackPos;
  private long droppedWhileFull;
  private boolean unsynced;
  private final ScheduledExecutorService syncer;

  private FileChannel reader;
  private long readerBase = -1;

  /** Events read from the queue's head, and the position after them. */
  record Batch(List<AgentEvent> events, long end) {}

  /**
   * Opens (or creates) the buffer in {@code dir}, holding at most {@code maxBytes} of undelivered
   * events.
   */
  static EventBuffer open(Path dir, long maxBytes) throws IOException {
    return new EventBuffer(dir, maxBytes, SEGMENT_BYTES);
  }

  EventBuffer(Path dir, long maxBytes, long segmentBytes) throws IOException {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    Files.createDirectories(dir);
    lockChannel =
        FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock locked;
    try {
      locked = lockChannel.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      locked = null;
    }
    if (locked == null) {
      lockChannel.close();
      throw new IOException("the event buffer " + dir + " is in use by another agent");
    }
    lock = locked;
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(f -> f.getFileName().toString().matches("\\d{20}\\" + SUFFIX))
          .forEach(f -> segments.put(base(f), f));
    }
    ackPos = readAck();
    if (segments.isEmpty()) {
      segments.put(ackPos, segmentPath(ackPos));
    }
    long lastBase = segments.lastKey();
    writer =
        FileChannel.open(
            segments.get(lastBase),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    writePos = lastBase + validLength(writer);
    if (writer.size() > writePos - lastBase) {
      log.warn(
          "event buffer {}: cutting off {} bytes of a record half-written when the agent stopped",
          dir,
          writer.size() - (writePos - lastBase));
      writer.truncate(writePos - lastBase);
      writer.force(true);
    }
    writer.position(writePos - lastBase);
    ackPos = Math.max(segments.firstKey(), Math.min(ackPos, writePos));
    deleteDelivered();
    syncer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "cta-buffer-sync");
              thread.setDaemon(true);
              return thread;
            });
    syncer.scheduleWithFixedDelay(
        this::syncQuietly, SYNC_MILLIS, SYNC_MILLIS, TimeUnit.MILLISECONDS);
    if (writePos > ackPos) {
      log.info(
          "event buffer {}: {} bytes of events not yet delivered, delivering them first",
          dir,
          writePos - ackPos);
    }
  }

  /**
   * Appends an event, or drops it when the buffer is full; false if dropped. The first drop logs an
   * error, the first append after drops logs how many were dropped.
   */
  synchronized boolean append(AgentEvent event) throws IOException {
    byte[] json = ConsumerClient.JSON.writeValueAsBytes(event);
    int size = HEADER + json.length;
    if (writePos - ackPos + size > maxBytes) {
      if (droppedWhileFull++ == 0) {
        log.error(
            "event buffer {} is full ({} bytes not delivered, limit --buffer-max-mb): dropping"
                + " new events until the consumer takes some",
            dir,
            writePos - ackPos);
      }
      return false;
    }
    if (droppedWhileFull > 0) {
      log.warn("event buffer {} has room again; {} events were dropped", dir, droppedWhileFull);
      droppedWhileFull = 0;
    }
    long base = segments.lastKey();
    if (writePos > base && writePos - base + size > segmentBytes) {
      writer.force(true);
      writer.close();
      segments.put(writePos, segmentPath(writePos));
      writer =
          FileChannel.open(
              segments.get(writePos), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      base = writePos;
    }
    ByteBuffer record = ByteBuffer.allocate(size);
    CRC32 crc = new CRC32();
    crc.update(json);
    record.putInt(json.length).putInt((int) crc.getValue()).put(json).flip();
    try {
      while (record.hasRemaining()) {
        writer.write(record);
      }
    } catch (IOException e) {
      // Never leave a partial record behind the last good one.
      writer.truncate(writePos - base);
      writer.position(writePos - base);
      throw e;
    }
    writePos += size;
    unsynced |= !AgentEvent.LOG.equals(event.type());
    notifyAll();
    return true;
  }

  /** Forces appended results and state events (and the log chunks before them) to disk. */
  synchronized void sync() throws IOException {
    if (unsynced) {
      writer.force(false);
      unsynced = false;
    }
  }

  private void syncQuietly() {
    try {
      sync();
    } catch (IOException e) {
      log.error("event buffer {}: cannot force events to disk: {}", dir, e.toString());
    }
  }

  /** Waits up to {@code millis} for undelivered events; true if there are some. */
  synchronized boolean awaitEvents(long millis) throws InterruptedException {
    if (writePos == ackPos && millis > 0) {
      wait(millis);
    }
    return writePos > ackPos;
  }

  /** Waits up to {@code millis} until every appended event is acknowledged; true if so. */
  synchronized boolean awaitDelivered(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (writePos > ackPos) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  /** Bytes of events not yet acknowledged. */
  synchronized long pendingBytes() {
    return writePos - ackPos;
  }

  /**
   * Reads the oldest unacknowledged events: at most {@code maxEvents}, and at most {@code maxBytes}
   * of their JSON (the first event is read whatever its size, so that an oversized one cannot block
   * the queue). Corrupt data (a damaged disk) is skipped up to the next segment, with an error
   * logged. Called by one thread at a time.
   */
  Batch peek(int maxEvents, long maxBytes) throws IOException {
    long end;
    long pos;
    TreeMap<Long, Path> files;
    synchronized (this) {
      end = writePos;
      pos = ackPos;
      files = new TreeMap<>(segments);
    }
    List<AgentEvent> events = new ArrayList<>();
    long bytes = 0;
    while (pos < end && events.size() < maxEvents) {
      Map.Entry<Long, Path> segment = files.floorEntry(pos);
      Long next = files.higherKey(pos);
      long segmentEnd = next == null ? end : next;
      FileChannel channel = reader(segment.getKey(), segment.getValue());
      byte[] json = readRecord(channel, pos - segment.getKey(), segmentEnd - pos);
      if (json == null) {
        log.error(
            "event buffer {}: corrupt data in {} at byte {}; skipping {} bytes",
            dir,
            segment.getValue().getFileName(),
            pos - segment.getKey(),
            segmentEnd - pos);
        pos = segmentEnd;
        continue;
      }
      // The JSON as stored is the JSON sent, plus a comma between events.
      if (!events.isEmpty() && bytes + json.length + 1 > maxBytes) {
        break;
      }
      pos += HEADER + json.length;
      try {
        events.add(ConsumerClient.JSON.readValue(json, AgentEvent.class));
        bytes += json.length + 1;
      } catch (IOException unreadable) {
        log.error("event buffer {}: skipping an unreadable event: {}", dir, unreadable.toString());
      }
    }
    return new Batch(events, pos);
  }

  /** Marks everything before {@code position} delivered and deletes segments wholly delivered. */
  synchronized void ack(long position) throws IOException {
    if (position <= ackPos) {
      return;
    }
    ackPos = position;
    Path temp = dir.resolve("ack.tmp");
    Files.writeString(temp, Long.toString(position), StandardCharsets.US_ASCII);
    Files.move(
        temp,
        dir.resolve("ack"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    deleteDelivered();
    notifyAll();
  }

  @Override
  public synchronized void close() throws IOException {
    syncer.shutdown();
    sync();
    if (reader != null) {
      reader.close();
    }
    writer.close();
    lock.release();
    lockChannel.close();
  }

  private void deleteDelivered() throws IOException {
    while (segments.size() > 1 && segments.higherKey(segments.firstKey()) <= ackPos) {
      long first = segments.firstKey();
      if (first == readerBase) {
        reader.close();
        reader = null;
        readerBase = -1;
      }
      Files.deleteIfExists(segments.remove(first));
    }
  }

  private synchronized FileChannel reader(long base, Path file) throws IOException {
    if (readerBase != base) {
      if (reader != null) {
        reader.close();
      }
      reader = FileChannel.open(file, StandardOpenOption.READ);
      readerBase = base;
    }
    return reader;
  }

  /** The record's JSON at {@code offset}, or null if no whole, intact record is there. */
  private static byte[] readRecord(FileChannel channel, long offset, long available)
      throws IOException {
    if (available < HEADER) {
      return null;
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    if (readFully(channel, header, offset) < HEADER) {
      return null;
    }
    header.flip();
    int length = header.getInt();
    int crc = header.getInt();
    if (length < 0 || length > MAX_RECORD || HEADER + (long) length > available) {
      return null;
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    if (readFully(channel, body, offset + HEADER) < length) {
      return null;
    }
    CRC32 check = new CRC32();
    check.update(body.array());
    return (int) check.getValue() == crc ? body.array() : null;
  }

  private static int readFully(FileChannel channel, ByteBuffer buffer, long offset)
      throws IOException {
    int total = 0;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, offset + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  /** The length of the intact records at the start of a segment. */
  private static long validLength(FileChannel channel) throws IOException {
    long size = channel.size();
    long offset = 0;
    byte[] json;
    while ((json = readRecord(channel, offset, size - offset)) != null) {
      offset += HEADER + json.length;
    }
    return offset;
  }

  private long readAck() throws IOException {
    Path ack = dir.resolve("ack");
    long first = segments.isEmpty() ? 0 : segments.firstKey();
    if (!Files.exists(ack)) {
      return first;
    }
    try {
      return Math.max(first, Long.parseLong(Files.readString(ack).trim()));
    } catch (NumberFormatException damaged) {
      log.warn("event buffer {}: unreadable ack file, delivering from the oldest event", dir);
      return first;
    }
  }

  private Path segmentPath(long base) {
    return dir.resolve(String.format("%020d%s", base, SUFFIX));
  }

  private static long base(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
  }
}
