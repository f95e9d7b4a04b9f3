package io.cta.ssh;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.sshd.client.session.ClientSession;

/**
 * One open session per SSH machine, reused by its stages and tests (docs/agentless.md): opened on
 * first use, opened again when it closed (the host restarted, the network dropped) or when the
 * machine's connection changed.
 */
public final class SshSessions implements AutoCloseable {

  private record Held(SshTarget target, ClientSession session, String presentedKey) {}

  private final SshConnector connector;
  private final Map<String, Held> held = new HashMap<>();

  public SshSessions(SshConnector connector) {
    this.connector = connector;
  }

  /** The machine's open session to {@code target}, opening one when there is none. */
  public synchronized ClientSession session(String machine, SshTarget target) throws SshFailure {
    Held current = held.get(machine);
    if (current != null
        && current.target().equals(target)
        && current.session().isOpen()
        && current.session().isAuthenticated()) {
      return current.session();
    }
    forget(machine);
    SshConnector.Opened opened = connector.open(target);
    held.put(machine, new Held(target, opened.session(), opened.presentedKey()));
    return opened.session();
  }

  /**
   * The {@code SHA256:} fingerprint of the key the machine's host presented on its open session (to
   * pin after trust on first use); null without one.
   */
  public synchronized String presentedKey(String machine) {
    Held current = held.get(machine);
    return current == null ? null : current.presentedKey();
  }

  /** Closes the machine's session, if any (the machine was deleted, or its probe failed). */
  public synchronized void forget(String machine) {
    Held gone = held.remove(machine);
    if (gone != null) {
      try {
        gone.session().close();
      } catch (IOException ignored) {
        // already broken: nothing to close
      }
    }
  }

  @Override
  public synchronized void close() {
    for (String machine : Map.copyOf(held).keySet()) {
      forget(machine);
    }
  }
}
