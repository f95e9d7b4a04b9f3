package io.cta.server;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import io.cta.server.config.MongoConversions;
import io.cta.server.config.MongoIndexes;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Assumptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.SimpleReactiveMongoDatabaseFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mongodb.MongoDBContainer;

/**
 * The MongoDB servers the store contract runs against (docs/architecture.md, "How it is tested"):
 * the embedded server always, and a real MongoDB, a one-node replica set in Docker started by
 * Testcontainers, where a Docker engine runs. Without one, the real backend's tests are skipped
 * before anything is pulled or started. Each server starts once per test JVM; every test gets a
 * database of its own, with the indexes the api and the consumer declare.
 */
public enum MongoBackend {
  EMBEDDED {
    @Override
    MongoClient client() {
      return Embedded.CLIENT;
    }
  },
  REPLICA_SET {
    @Override
    MongoClient client() {
      Assumptions.assumeTrue(
          dockerAvailable(), "no Docker engine here: the real-MongoDB run is skipped");
      return ReplicaSet.CLIENT;
    }
  };

  /** The image of the real MongoDB; {@code -Dcta.test.mongo-image=mongo:7.0} picks another. */
  public static final String IMAGE = System.getProperty("cta.test.mongo-image", "mongo:8.0");

  abstract MongoClient client();

  /** A new empty database with CTA's indexes; skips the test when this backend cannot run here. */
  public ReactiveMongoTemplate newDatabase() {
    ReactiveMongoTemplate mongo =
        new ReactiveMongoTemplate(
            new SimpleReactiveMongoDatabaseFactory(client(), "cta-" + new ObjectId().toHexString()),
            MongoConversions.converter());
    new MongoIndexes(mongo).afterPropertiesSet();
    return mongo;
  }

  private static Boolean docker;

  private static synchronized boolean dockerAvailable() {
    if (docker == null) {
      docker = DockerClientFactory.instance().isDockerAvailable();
    }
    return docker;
  }

  /** Started on first use, stopped with the JVM. */
  private static final class Embedded {
    static final MongoServer SERVER = Fixtures.mongoServer();
    static final MongoClient CLIENT = MongoClients.create(SERVER.getConnectionString());

    static {
      Runtime.getRuntime().addShutdownHook(new Thread(SERVER::shutdownNow));
    }
  }

  /** Started on first use; Testcontainers removes the container when the JVM exits. */
  private static final class ReplicaSet {
    static final MongoDBContainer CONTAINER = start();
    static final MongoClient CLIENT = MongoClients.create(CONTAINER.getReplicaSetUrl());

    private static MongoDBContainer start() {
      MongoDBContainer container = new MongoDBContainer(IMAGE).withReplicaSet();
      container.start();
      return container;
    }
  }
}
