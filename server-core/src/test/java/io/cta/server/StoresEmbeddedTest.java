package io.cta.server;

/** {@link StoreContract} against the embedded MongoDB (mongo-java-server). */
class StoresEmbeddedTest extends StoreContract {

  StoresEmbeddedTest() {
    super(MongoBackend.EMBEDDED);
  }
}
