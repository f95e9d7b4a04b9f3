package io.cta.server;

/** {@link StoreContract} against a real MongoDB replica set; skipped without Docker. */
class StoresReplicaSetTest extends StoreContract {

  StoresReplicaSetTest() {
    super(MongoBackend.REPLICA_SET);
  }
}
