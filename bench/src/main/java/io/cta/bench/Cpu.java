package io.cta.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time used by this JVM and each process it started (with the commands those spawned), grouped
 * by role; by every other process on the machine, which distorts the numbers; and by the whole
 * machine. Linux only beyond the per-process totals ({@code /proc}); elsewhere those rows are
 * absent.
 */
final class Cpu {

  static final String OTHERS = "not ours: other processes on the machine";
  static final String KERNEL = "not ours: kernel, interrupts, unattributed";
  static final String MACHINE = "whole machine";

  /**
   * What each role used over {@code wallMillis} of elapsed time; {@code topOther} names the other
   * process that used the most, or is empty.
   */
  record Use(Map<String, Long> millis, long wallMillis, String topOther) {}

  /** Measures from its creation until {@link #stop()}. */
  static final class Meter {

    private final Map<String, Long> before = roles();
    private final Map<Long, Long> othersBefore = others();
    private final long machineBefore = machineBusyMillis();
    private final long start = System.currentTimeMillis();

    Use stop() {
      String topOther = "";
      Map<String, Long> used = new LinkedHashMap<>();
      roles().forEach((role, ms) -> used.put(role, ms - before.getOrDefault(role, 0L)));
      long ours = used.values().stream().mapToLong(Long::longValue).sum();
      long machine = machineBusyMillis();
      if (machine >= 0 && machineBefore >= 0) {
        // A process that ended adds its whole life to its parent's ended-children time: take off
        // what it had used before the measurement.
        Map<Long, Long> othersAfter = others();
        long others = 0;
        long top = 0;
        for (Map.Entry<Long, Long> process : othersAfter.entrySet()) {
          long delta = process.getValue() - othersBefore.getOrDefault(process.getKey(), 0L);
          others += delta;
          if (delta > top) {
            top = delta;
            topOther = describe(process.getKey()) + ": " + delta + " ms";
          }
        }
        for (Map.Entry<Long, Long> process : othersBefore.entrySet()) {
          if (!othersAfter.containsKey(process.getKey())) {
            others -= process.getValue();
          }
        }
        others = Math.max(0, others);
        used.put(OTHERS, others);
        used.put(KERNEL, Math.max(0, machine - machineBefore - ours - others));
        used.put(MACHINE, machine - machineBefore);
      }
      return new Use(used, System.currentTimeMillis() - start, topOther);
    }
  }

  private static String describe(long pid) {
    String command =
        ProcessHandle.of(pid).flatMap(process -> process.info().commandLine()).orElse("?");
    return "pid "
        + pid
        + " "
        + (command.length() > 100 ? command.substring(0, 100) + "…" : command);
  }

  private Cpu() {}

  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** Milliseconds of CPU so far of our processes, per role. */
  private static Map<String, Long> roles() {
    Map<String, Long> millis = new LinkedHashMap<>();
    add(millis, "bench JVM (client; baseline workflow worker)", ProcessHandle.current());
    ProcessHandle.current()
        .children()
        .forEach(
            child -> {
              add(millis, role(child), child);
              millis.merge(role(child), Math.max(0, procStat(child.pid())[1]), Long::sum);
            });
    return millis;
  }

  private static void add(Map<String, Long> millis, String role, ProcessHandle process) {
    process
        .info()
        .totalCpuDuration()
        .map(Duration::toMillis)
        .ifPresent(ms -> millis.merge(role, ms, Long::sum));
  }

  private static String role(ProcessHandle process) {
    String command = process.info().commandLine().orElse("");
    if (command.contains("cta-consumer.jar")) {
      return "consumer";
    } else if (command.contains("cta-api.jar")) {
      return "api";
    } else if (command.contains("cta-agent.jar")
        || command.contains(BaselineWorker.class.getName())) {
      return "agents / worker JVMs";
    } else if (command.contains("Infrastructure")) {
      return "infrastructure (Temporal test server, MongoDB)";
    }
    return "other children";
  }

  /** Every process outside our tree: its own CPU and that of its ended children, by pid. */
  private static Map<Long, Long> others() {
    Set<Long> ours =
        Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())
            .map(ProcessHandle::pid)
            .collect(Collectors.toSet());
    Map<Long, Long> millis = new HashMap<>();
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path process : processes) {
        long pid = Long.parseLong(process.getFileName().toString());
        long[] cpu = procStat(pid);
        if (!ours.contains(pid) && cpu[0] >= 0) {
          millis.put(pid, cpu[0] + cpu[1]);
        }
      }
    } catch (IOException | RuntimeException unavailable) {
      // not Linux: no such row
    }
    return millis;
  }

  /**
   * From /proc/PID/stat, in ms: {own CPU (utime + stime), CPU of its ended children (cutime +
   * cstime), e.g. the commands an agent spawned}; -1 each where unreadable (a process that ended).
   */
  private static long[] procStat(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is field 3 of proc(5): utime 14, stime 15, cutime 16, cstime 17; USER_HZ 100
      return new long[] {
        (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10,
        (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 10
      };
    } catch (IOException | RuntimeException unavailable) {
      return new long[] {-1, -1};
    }
  }

  /** Busy time of every core since boot, from the first line of /proc/stat; -1 if unreadable. */
  private static long machineBusyMillis() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      // cpu user nice system idle iowait irq softirq steal
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(fields[i]);
      }
      return busy * 10;
    } catch (IOException | RuntimeException unavailable) {
      return -1;
    }
  }
}
