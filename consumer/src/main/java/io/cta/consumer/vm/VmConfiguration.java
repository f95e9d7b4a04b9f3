package io.cta.consumer.vm;

import io.cta.server.security.TokenStore;
import io.cta.server.vm.VmPoolStore;
import io.cta.vm.VmProvider;
import io.cta.vm.local.AgentCommand;
import io.cta.vm.local.LocalProvider;
import io.cta.workflows.vm.LeaseWorkflow;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The providers this consumer offers and the lease's activities over them. */
@Configuration
class VmConfiguration {

  /** The providers this consumer offers, by kind. */
  record VmProviders(List<VmProvider> all) {

    Optional<VmProvider> find(String kind) {
      return all.stream().filter(p -> p.kind().equals(kind)).findFirst();
    }
  }

  @Bean
  VmProviders vmProviders(VmProperties properties) {
    List<VmProvider> providers = new ArrayList<>();
    if (properties.localEnabled()) {
      providers.add(
          new LocalProvider(
              properties.localDir(),
              AgentCommand.ctaAgent(
                  Path.of(System.getProperty("java.home"), "bin", "java"),
                  properties.agentJar(),
                  properties.agentJvmOptions()),
              properties.localMachines(),
              properties.stopGrace()));
    }
    return new VmProviders(List.copyOf(providers));
  }

  @Bean
  VmActivitiesImpl vmActivities(
      VmPoolStore pools,
      TokenStore tokens,
      VmProviders providers,
      VmProperties properties,
      VmMetrics metrics) {
    return new VmActivitiesImpl(
        pools,
        tokens,
        providers::find,
        properties.installation(),
        properties.agentServer(),
        properties.agentTemporal(),
        metrics);
  }

  @Bean
  VmOrphans vmOrphans(
      VmPoolStore pools, VmProviders providers, VmProperties properties, WorkflowClient client) {
    return new VmOrphans(
        pools,
        providers.all(),
        properties.installation(),
        properties.orphanGrace(),
        (leaseId, reason) ->
            client
                .newWorkflowStub(LeaseWorkflow.class, LeaseWorkflow.workflowId(leaseId))
                .instanceGone(reason));
  }
}
