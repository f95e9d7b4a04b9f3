package io.cta.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The api: REST for users, the CLI and the UI; starts, signals and reads executions. */
@SpringBootApplication(scanBasePackages = {"io.cta.api", "io.cta.server"})
@ConfigurationPropertiesScan({"io.cta.api", "io.cta.server"})
public class ApiApplication {

  public static void main(String[] args) {
    SpringApplication.run(ApiApplication.class, args);
  }
}
