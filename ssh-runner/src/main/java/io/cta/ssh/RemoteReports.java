package io.cta.ssh;

import io.cta.activities.agent.TestSpec;
import io.cta.testrunner.junit.ReportGlobs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a test's JUnit reports from an SSH machine over SFTP into the runner's copy of the test's
 * directory, where the agent's {@code TestRun} reads them as it reads an agent's
 * (docs/agentless.md). The agent's path rules apply on the host, through SFTP's file system: {@link
 * ReportGlobs} picks the files, a glob that could leave the test's directory by its text is
 * skipped, and a file whose real path is outside it is not fetched.
 */
final class RemoteReports {

  /** Largest report fetched; a bigger one is left where it is and counts as missing. */
  static final long MAX_BYTES = 64L * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(RemoteReports.class);

  private RemoteReports() {}

  /**
   * Copies the files the globs name under {@code remoteDir} to the same relative paths under {@code
   * localDir}; answers how many were copied.
   */
  static int fetch(
      ClientSession session,
      String remoteDir,
      List<String> globs,
      Path localDir,
      Runnable heartbeat)
      throws IOException {
    int copied = 0;
    try (FileSystem sftp = SftpClientFactory.instance().createSftpFileSystem(session)) {
      Path root;
      try {
        root = sftp.getPath(remoteDir).toRealPath();
      } catch (IOException missing) {
        return 0; // no test directory: no report, each counts as missing
      }
      for (String glob : globs) {
        if (TestSpec.escapesWorkDir(glob)) {
          continue;
        }
        for (Path found : ReportGlobs.find(root, glob, heartbeat)) {
          try {
            Path real = ReportGlobs.realPathInside(root, found);
            if (Files.size(real) > MAX_BYTES) {
              log.warn("report {} is over {} bytes: not fetched", found, MAX_BYTES);
              continue;
            }
            Path target = localDir.resolve(root.relativize(real).toString()).normalize();
            if (!target.startsWith(localDir)) {
              continue;
            }
            Files.createDirectories(target.getParent());
            Files.copy(real, target, StandardCopyOption.REPLACE_EXISTING);
            copied++;
            heartbeat.run();
          } catch (IOException unreadable) {
            log.warn("report {} not fetched: {}", found, unreadable.toString());
          }
        }
      }
    }
    return copied;
  }
}
