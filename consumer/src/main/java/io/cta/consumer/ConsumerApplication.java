package io.cta.consumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The consumer: hosts the workflows and server-side activities, serves the agent endpoints, ingests
 * what agents report, and reconciles MongoDB with Temporal.
 */
@SpringBootApplication(scanBasePackages = {"io.cta.consumer", "io.cta.server"})
@ConfigurationPropertiesScan({"io.cta.consumer", "io.cta.server"})
public class ConsumerApplication {

  public static void main(String[] args) {
    SpringApplication.run(ConsumerApplication.class, args);
  }
}
