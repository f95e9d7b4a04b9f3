package io.cta.server.temporal;

import io.cta.server.config.CtaServerProperties;
import io.cta.temporal.TemporalConnections;
import io.cta.temporal.TemporalSettings;
import io.temporal.client.WorkflowClient;
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

  @Bean(destroyMethod = "shutdown")
  WorkflowServiceStubs workflowServiceStubs(TemporalSettings settings) {
    return TemporalConnections.serviceStubs(settings);
  }

  @Bean
  WorkflowClient workflowClient(WorkflowServiceStubs stubs, TemporalSettings settings) {
    return TemporalConnections.client(stubs, settings);
  }
}
