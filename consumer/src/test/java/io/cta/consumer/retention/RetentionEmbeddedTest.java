package io.cta.consumer.retention;

import io.cta.server.MongoBackend;

/** {@link RetentionContract} against the embedded MongoDB (mongo-java-server). */
class RetentionEmbeddedTest extends RetentionContract {

  RetentionEmbeddedTest() {
    super(MongoBackend.EMBEDDED);
  }
}
