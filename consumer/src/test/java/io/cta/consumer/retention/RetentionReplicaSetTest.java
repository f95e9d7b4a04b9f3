package io.cta.consumer.retention;

import io.cta.server.MongoBackend;

/** {@link RetentionContract} against a real MongoDB replica set; skipped without Docker. */
class RetentionReplicaSetTest extends RetentionContract {

  RetentionReplicaSetTest() {
    super(MongoBackend.REPLICA_SET);
  }
}
