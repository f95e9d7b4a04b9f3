package io.cta.consumer.vm;

import io.cta.server.vm.VmPoolStore;
import io.cta.workflows.vm.LeaseWorkflow;
import io.temporal.client.WorkflowClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Tells a lease that its machine's agent registered, which ends its launch timeout
 * (docs/vm-manager.md#timeouts). A registration never fails for it: a lease that misses the signal
 * replaces its machine at the launch timeout.
 */
@Component
public class VmRegistrations {

  private static final Logger log = LoggerFactory.getLogger(VmRegistrations.class);

  private final VmPoolStore pools;
  private final WorkflowClient client;

  VmRegistrations(VmPoolStore pools, WorkflowClient client) {
    this.pools = pools;
    this.client = client;
  }

  public Mono<Void> registered(String machine) {
    return pools
        .creatingMachine(machine)
        .flatMap(
            created ->
                Mono.fromRunnable(
                        () ->
                            client
                                .newWorkflowStub(
                                    LeaseWorkflow.class,
                                    LeaseWorkflow.workflowId(created.leaseId()))
                                .registered(machine))
                    .subscribeOn(Schedulers.boundedElastic()))
        .onErrorResume(
            e -> {
              log.warn(
                  "could not tell the lease of VM machine {} it registered: {}",
                  machine,
                  e.toString());
              return Mono.empty();
            })
        .then();
  }
}
