package io.cta.launcher;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded infrastructure process: Temporal's Java test server and the embedded MongoDB
 * wire-protocol server, both bound to loopback only. Not for production: Temporal's state lives in
 * this process's memory; MongoDB's lives in an H2 file (or memory, for tests).
 *
 * <p>Usage: {@code Infrastructure (TEMPORAL_PORT | -) MONGO_PORT (memory | H2_FILE)}; {@code -}
 * starts no Temporal server, for a stack on Temporal's dev server, which runs as its own process.
 */
public final class Infrastructure implements AutoCloseable {

  /** The Temporal port argument that starts MongoDB alone. */
  public static final String NO_TEMPORAL = "-";

  private static final Logger log = LoggerFactory.getLogger(Infrastructure.class);

  private final TestServicesStarter temporal;
  private final Server grpc;
  private final MongoServer mongo;

  private Infrastructure(TestServicesStarter temporal, Server grpc, MongoServer mongo) {
    this.temporal = temporal;
    this.grpc = grpc;
    this.mongo = mongo;
  }

  /** Starts MongoDB alone on 127.0.0.1. */
  public static Infrastructure startMongoOnly(int mongoPort, String mongoStore) throws IOException {
    return new Infrastructure(null, null, startMongo(mongoPort, mongoStore));
  }

  /**
   * Starts both servers on 127.0.0.1. The test server's own port-bound factory binds every
   * interface, so its services are served from a gRPC server of ours (InfrastructureTest pins it).
   */
  public static Infrastructure start(int temporalPort, int mongoPort, String mongoStore)
      throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    // Time skipping locked: a standalone server runs in real time.
    TestServicesStarter temporal = new TestServicesStarter(true, 0);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(loopback, temporalPort));
    for (BindableService service : temporal.getServices()) {
      builder.addService(service);
    }
    Server grpc = builder.build().start();
    return new Infrastructure(temporal, grpc, startMongo(mongoPort, mongoStore));
  }

  private static MongoServer startMongo(int mongoPort, String mongoStore) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    MongoBackend backend;
    if ("memory".equals(mongoStore)) {
      backend = new MemoryBackend();
    } else {
      Path file = Path.of(mongoStore).toAbsolutePath();
      Files.createDirectories(file.getParent());
      backend = new H2Backend(file.toString());
    }
    MongoServer mongo = new MongoServer(backend);
    mongo.bind(new InetSocketAddress(loopback, mongoPort));
    return mongo;
  }

  /** The test server's port, or -1 when this process runs no Temporal server. */
  public int temporalPort() {
    return grpc == null ? -1 : grpc.getPort();
  }

  public int mongoPort() {
    return mongo.getLocalAddress().getPort();
  }

  /** Shuts MongoDB down cleanly first: killing it would lose its last second of writes. */
  @Override
  public void close() {
    mongo.shutdown();
    if (grpc != null) {
      grpc.shutdownNow();
      temporal.close();
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: Infrastructure (TEMPORAL_PORT | -) MONGO_PORT (memory | H2_FILE)");
      System.exit(2);
    }
    Infrastructure infrastructure =
        NO_TEMPORAL.equals(args[0])
            ? startMongoOnly(Integer.parseInt(args[1]), args[2])
            : start(Integer.parseInt(args[0]), Integer.parseInt(args[1]), args[2]);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down the embedded MongoDB and Temporal servers");
                  infrastructure.close();
                  stopped.countDown();
                }));
    log.info(
        "embedded Temporal on 127.0.0.1:{} (-1: none), embedded MongoDB on 127.0.0.1:{} ({})",
        infrastructure.temporalPort(),
        infrastructure.mongoPort(),
        args[2]);
    stopped.await();
  }
}
