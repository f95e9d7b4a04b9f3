package io.cta.launcher;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cta.temporal.TemporalConnections;
import io.cta.temporal.TemporalSettings;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins how the embedded servers listen: on loopback only. The Temporal side relies on the test
 * server's internal service classes, so an SDK upgrade that changes them fails here first.
 */
class InfrastructureTest {

  private static Infrastructure infrastructure;

  @BeforeAll
  static void start() throws IOException {
    infrastructure = Infrastructure.start(0, 0, "memory");
  }

  @AfterAll
  static void stop() {
    infrastructure.close();
  }

  @Test
  void givenTheEmbeddedServers_whenReachedOnLoopback_thenTheyAnswer() throws IOException {
    connect(InetAddress.getLoopbackAddress(), infrastructure.mongoPort());
    WorkflowServiceStubs stubs =
        TemporalConnections.serviceStubs(
            TemporalSettings.plain("127.0.0.1:" + infrastructure.temporalPort()));
    try {
      stubs
          .blockingStub()
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("default").build());
    } finally {
      stubs.shutdownNow();
    }
  }

  @Test
  void givenTheEmbeddedServers_whenReachedOnAnotherInterface_thenTheConnectionIsRefused()
      throws IOException {
    Optional<InetAddress> external = externalAddress();
    assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");
    assertThrows(IOException.class, () -> connect(external.get(), infrastructure.temporalPort()));
    assertThrows(IOException.class, () -> connect(external.get(), infrastructure.mongoPort()));
  }

  private static void connect(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 1000);
    }
  }

  private static Optional<InetAddress> externalAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
