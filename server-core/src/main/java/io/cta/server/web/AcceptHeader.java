package io.cta.server.web;

import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.accept.HeaderContentTypeResolver;
import org.springframework.web.reactive.accept.RequestedContentTypeResolverBuilder;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.server.NotAcceptableStatusException;

/**
 * An {@code Accept} header that cannot be parsed is read as asking for a problem detail only. No
 * endpoint produces that, so the request gets a 406 problem before its handler runs. (Spring's own
 * resolver throws instead, and then not even the error can be written: the client got an empty 4xx,
 * or a 406 after the request had already changed something.)
 */
@Configuration(proxyBeanMethods = false)
class AcceptHeader implements WebFluxConfigurer {

  @Override
  public void configureContentTypeResolver(RequestedContentTypeResolverBuilder builder) {
    HeaderContentTypeResolver header = new HeaderContentTypeResolver();
    builder.resolver(
        exchange -> {
          try {
            return header.resolveMediaTypes(exchange);
          } catch (NotAcceptableStatusException unparsable) {
            return List.of(MediaType.APPLICATION_PROBLEM_JSON);
          }
        });
  }
}
