package io.cta.server.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.PathMatchConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * Routes match literal path segments case-insensitively, as the access policy does (it decides on
 * the lower-cased path, {@code RequestPaths.routed}): {@code /API/v1/tokens} is the tokens endpoint
 * for both, never one endpoint for the router and another for authorization.
 */
@Configuration(proxyBeanMethods = false)
class WebPathMatching implements WebFluxConfigurer {

  @Override
  public void configurePathMatching(PathMatchConfigurer configurer) {
    configurer.setUseCaseSensitiveMatch(false);
  }
}
