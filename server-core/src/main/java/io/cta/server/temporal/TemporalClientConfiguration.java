package io.cta.server.temporal;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.cta.server.config.CtaServerProperties;
import io.cta.temporal.TemporalConnections;
import io.cta.temporal.TemporalSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Temporal connection of a server process, built from {@code cta.temporal.*}. */
@Configuration(proxyBeanMethods = false)
public class TemporalClientConfiguration {

  @Bean
  TemporalSettings temporalSettings(CtaServerProperties properties) {
    CtaServerProperties.Temporal t = properties.temporal();
    return new TemporalSettings(
        t.target(),
        t.namespace(),
        t.tlsCertChain(),
        t.tlsPrivateKey(),
        t.tlsTrustCerts(),
        t.tls(),
        null);
  }

  /**
   * The SDK's own metrics ({@code temporal_*}) in the process's Micrometer registry, so they appear
   * in {@code /actuator/prometheus}. The SDK buffers them and flushes every 10 s (as Temporal's
   * Spring Boot starter does); closing the scope flushes the rest.
   */
  @Bean(destroyMethod = "close")
  Scope temporalMetricsScope(MeterRegistry registry) {
    return new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(10));
  }

  @Bean(destroyMethod = "shutdown")
  WorkflowServiceStubs workflowServiceStubs(TemporalSettings settings, Scope temporalMetricsScope) {
    return TemporalConnections.serviceStubs(settings, temporalMetricsScope);
  }

  @Bean
  WorkflowClient workflowClient(WorkflowServiceStubs stubs, TemporalSettings settings) {
    return TemporalConnections.client(stubs, settings);
  }
}
