package io.cta.temporal;

import com.uber.m3.tally.Scope;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds Temporal connections and clients the same way in every CTA process. */
public final class TemporalConnections {

  private TemporalConnections() {}

  /** Connects lazily: the first call reaches the server, so a process can start before Temporal. */
  public static WorkflowServiceStubs serviceStubs(TemporalSettings settings) {
    return serviceStubs(settings, null);
  }

  /**
   * As {@link #serviceStubs(TemporalSettings)}, reporting the SDK's own metrics (requests, polls,
   * workflow and activity tasks of every worker on these stubs) to {@code metricsScope}; null
   * reports none.
   */
  public static WorkflowServiceStubs serviceStubs(TemporalSettings settings, Scope metricsScope) {
    WorkflowServiceStubsOptions.Builder options =
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(settings.target())
            .setRpcLongPollTimeout(settings.longPollTimeout());
    if (metricsScope != null) {
      options.setMetricsScope(metricsScope);
    }
    if (settings.tls()) {
      options.setSslContext(sslContext(settings));
    }
    return WorkflowServiceStubs.newServiceStubs(options.build());
  }

  public static WorkflowClient client(WorkflowServiceStubs stubs, TemporalSettings settings) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(settings.namespace()).build());
  }

  /**
   * A client whose workers identify themselves as {@code identity}: an agent uses its machine name,
   * so a workflow can tell from a failed activity which machine was lost.
   */
  public static WorkflowClient client(
      WorkflowServiceStubs stubs, TemporalSettings settings, String identity) {
    return WorkflowClient.newInstance(
        stubs,
        WorkflowClientOptions.newBuilder()
            .setNamespace(settings.namespace())
            .setIdentity(identity)
            .build());
  }

  private static SslContext sslContext(TemporalSettings settings) {
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient();
      if (settings.tlsTrustCerts() != null) {
        builder.trustManager(settings.tlsTrustCerts().toFile());
      }
      if (settings.tlsCertChain() != null) {
        builder.keyManager(settings.tlsCertChain().toFile(), settings.tlsPrivateKey().toFile());
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Temporal TLS files", e);
    }
  }
}
