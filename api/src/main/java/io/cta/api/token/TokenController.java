package io.cta.api.token;

import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.Role;
import io.cta.server.security.TokenService;
import io.cta.server.web.ApiException;
import io.cta.server.web.PageView;
import io.cta.temporal.TaskQueues;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Admin only: the access policy says so, and every handler checks it again. Secrets are shown once,
 * at creation, and stored hashed.
 */
@RestController
@RequestMapping(path = "/api/v1/tokens", produces = MediaType.APPLICATION_JSON_VALUE)
class TokenController {

  private final TokenService tokens;

  TokenController(TokenService tokens) {
    this.tokens = tokens;
  }

  @GetMapping
  Mono<PageView<TokenView>> list(ServerWebExchange exchange) {
    CtaPrincipal.requireRole(exchange, Role.admin);
    return tokens.list().map(t -> TokenView.of(t, null)).collectList().map(PageView::all);
  }

  @PostMapping
  Mono<ResponseEntity<TokenView>> create(
      @Valid @RequestBody TokenRequest request, ServerWebExchange exchange) {
    CtaPrincipal.requireRole(exchange, Role.admin);
    if (request.machine() != null) {
      if (request.role() != Role.agent) {
        throw ApiException.badRequest("machine: only agent tokens can be bound to a machine");
      }
      if (!TaskQueues.isValidName(request.machine())) {
        throw ApiException.badRequest(
            "machine: '" + request.machine() + "' is not a valid machine name");
      }
    }
    return tokens
        .create(request.name(), request.role(), request.machine())
        .map(
            created ->
                ResponseEntity.created(URI.create("/api/v1/tokens/" + created.token().id()))
                    .body(TokenView.of(created.token(), created.secret())));
  }

  @ApiResponse(
      responseCode = "409",
      description = "The bootstrap admin token cannot be revoked here")
  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> revoke(@PathVariable String id, ServerWebExchange exchange) {
    CtaPrincipal.requireRole(exchange, Role.admin);
    if (TokenService.BOOTSTRAP_ADMIN_ID.equals(id)) {
      throw ApiException.conflict(
          "the bootstrap admin token is managed by CTA_ADMIN_TOKEN or its file");
    }
    return tokens
        .revoke(id)
        .flatMap(
            deleted ->
                deleted ? Mono.<Void>empty() : Mono.error(ApiException.notFound("token", id)));
  }
}
