package io.cta.api.ui;

import io.cta.server.security.RequestPaths;
import io.cta.server.security.UiPaths;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Serves the console's {@code index.html} for each of its page URLs ({@link UiPaths#isPage}), so a
 * page opens directly in a new tab; the console then asks for a token. GET only; every other path
 * keeps its own answer (docs/ui.md).
 */
@Configuration(proxyBeanMethods = false)
class UiPages {

  private static final Resource INDEX = new ClassPathResource("static/index.html");

  private static final RequestPredicate PAGE =
      request ->
          request.method() == HttpMethod.GET
              && UiPaths.isPage(
                  RequestPaths.routed(
                      request.exchange().getRequest().getPath().pathWithinApplication().value()));

  @Bean
  RouterFunction<ServerResponse> uiPageRoutes() {
    return RouterFunctions.route(PAGE, request -> page());
  }

  private static Mono<ServerResponse> page() {
    if (!INDEX.exists()) {
      // A router function is outside the controllers' problem mapping: answer the problem here.
      ProblemDetail problem =
          ProblemDetail.forStatusAndDetail(
              HttpStatus.NOT_FOUND, "the web console is not built into this api");
      return ServerResponse.status(HttpStatus.NOT_FOUND)
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .bodyValue(problem);
    }
    return ServerResponse.ok()
        .contentType(MediaType.TEXT_HTML)
        // index.html names the hashed files of one build: always ask for the current one.
        .cacheControl(CacheControl.noCache())
        .bodyValue(INDEX);
  }
}
