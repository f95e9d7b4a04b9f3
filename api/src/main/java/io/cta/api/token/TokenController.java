package io.cta.api.token;

import io.cta.server.error.ConflictException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.machine.AllowList;
import io.cta.server.machine.LabelLimits;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.Role;
import io.cta.server.security.TokenStore;
import io.cta.server.web.PageView;
import io.cta.temporal.TaskQueues;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  private final TokenStore tokens;

  TokenController(TokenStore tokens) {
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
        throw new InvalidInputException("machine: only agent tokens can be bound to a machine");
      }
      if (!TaskQueues.isValidName(request.machine())) {
        throw new InvalidInputException(
            "machine: '" + request.machine() + "' is not a valid machine name");
      }
    }
    AllowList allowed = allowList(request);
    return tokens
        .create(request.name(), request.role(), request.machine(), allowed)
        .map(
            created ->
                ResponseEntity.created(URI.create("/api/v1/tokens/" + created.token().id()))
                    .body(TokenView.of(created.token(), created.secret())));
  }

  /** The request's allow-lists, checked against the label limits (docs/api.md, "Limits"). */
  private static AllowList allowList(TokenRequest request) {
    if (request.groups() == null && request.properties() == null) {
      return AllowList.ANY;
    }
    if (request.role() != Role.agent) {
      throw new InvalidInputException("groups, properties: only agent tokens carry allow-lists");
    }
    List<AllowList.AllowedProperty> properties = null;
    try {
      LabelLimits.checkGroups("groups", request.groups(), true);
      if (request.properties() != null) {
        LabelLimits.checkCount(
            "properties", request.properties().size(), LabelLimits.MAX_PROPERTIES);
        properties = new ArrayList<>();
        for (Map.Entry<String, List<String>> p : new TreeMap<>(request.properties()).entrySet()) {
          String field = "properties." + p.getKey();
          LabelLimits.checkPropertyName("properties", p.getKey());
          if (p.getValue() == null || p.getValue().isEmpty()) {
            throw new LabelLimits.LimitException(
                field + ": give the value globs it may have ([\"*\"]: any value)");
          }
          LabelLimits.checkCount(field, p.getValue().size(), LabelLimits.MAX_ALLOWED_VALUES);
          for (String glob : p.getValue()) {
            if (glob == null) {
              throw new LabelLimits.LimitException(field + ": a value glob is null");
            }
            LabelLimits.checkValue(field, glob);
          }
          properties.add(new AllowList.AllowedProperty(p.getKey(), List.copyOf(p.getValue())));
        }
      }
    } catch (LabelLimits.LimitException e) {
      throw new InvalidInputException(e.getMessage());
    }
    return new AllowList(
        request.groups() == null ? null : List.copyOf(request.groups()), properties);
  }

  @ApiResponse(
      responseCode = "409",
      description = "The bootstrap admin token cannot be revoked here")
  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> revoke(@PathVariable String id, ServerWebExchange exchange) {
    CtaPrincipal.requireRole(exchange, Role.admin);
    if (TokenStore.BOOTSTRAP_ADMIN_ID.equals(id)) {
      throw new ConflictException(
          "the bootstrap admin token is managed by CTA_ADMIN_TOKEN or its file");
    }
    return tokens
        .revoke(id)
        .flatMap(
            deleted ->
                deleted ? Mono.<Void>empty() : Mono.error(new NotFoundException("token", id)));
  }
}
