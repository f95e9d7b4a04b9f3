package io.cta.api.secret;

import io.cta.server.definition.DefinitionStore;
import io.cta.server.error.ConflictException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.secret.SecretStore;
import io.cta.server.secret.SecretsUnavailableException;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.cta.temporal.TaskQueues;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The secret store (docs/api.md, "Secrets"): values go in, names and dates come out. Viewers may
 * list the names; operators and admins create, rotate and delete (the access policy). The audit log
 * records each change by the path, never the body.
 */
@RestController
@RequestMapping(path = "/api/v1/secrets", produces = MediaType.APPLICATION_JSON_VALUE)
@ApiResponse(responseCode = "503", description = "No secret key is configured (docs/security.md)")
class SecretController {

  /** 64 KiB of UTF-8: certificates and key files fit, a secret store is not a file store. */
  static final int MAX_VALUE_BYTES = 64 * 1024;

  private final SecretStore secrets;

  SecretController(SecretStore secrets) {
    this.secrets = secrets;
  }

  @ApiResponse(responseCode = "200", description = "One page of secrets: names and dates")
  @GetMapping
  Mono<PageView<SecretView>> list(
      @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer size) {
    requireKey();
    PageRequest paging = PageRequest.of(page, size, null, Set.of(), Sort.by("_id"));
    return secrets
        .page(paging.offset(), paging.size())
        .map(SecretView::of)
        .collectList()
        .zipWith(secrets.count())
        .map(t -> new PageView<>(t.getT1(), paging.page(), paging.size(), t.getT2()));
  }

  @ApiResponse(responseCode = "201", description = "Stored: its name and dates")
  @ApiResponse(responseCode = "409", description = "A secret of this name exists")
  @PostMapping
  Mono<ResponseEntity<SecretView>> create(@RequestBody SecretRequest request) {
    requireKey();
    if (request.name() == null || !TaskQueues.isValidName(request.name())) {
      throw new InvalidInputException("name: use 1-128 letters, digits, '.', '_' or '-'");
    }
    checkValue(request.value());
    Instant now = DefinitionStore.nextUpdate(null);
    return secrets
        .create(request.name(), request.value(), now)
        .onErrorMap(
            DuplicateKeyException.class,
            e -> new ConflictException("secret '" + request.name() + "' exists; PUT rotates it"))
        .map(
            saved ->
                ResponseEntity.created(URI.create("/api/v1/secrets/" + saved.name()))
                    .body(SecretView.of(saved)));
  }

  /** A rotation: the new value replaces the old one for every test that starts from now on. */
  @ApiResponse(responseCode = "200", description = "Rotated: its name and dates")
  @PutMapping("/{name}")
  Mono<SecretView> rotate(@PathVariable String name, @RequestBody SecretRequest request) {
    requireKey();
    if (request.name() != null && !request.name().equals(name)) {
      throw new InvalidInputException("name: a secret cannot be renamed; create another one");
    }
    checkValue(request.value());
    return secrets
        .find(name)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("secret", name)))
        .flatMap(
            old ->
                secrets.rotate(name, request.value(), DefinitionStore.nextUpdate(old.updatedAt())))
        .switchIfEmpty(Mono.error(() -> new NotFoundException("secret", name)))
        .map(SecretView::of);
  }

  @ApiResponse(responseCode = "409", description = "Suites (or machines) still reference it")
  @DeleteMapping("/{name}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> delete(@PathVariable String name) {
    requireKey();
    return secrets
        .find(name)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("secret", name)))
        .flatMap(found -> secrets.usedBy(name).collectList())
        .flatMap(
            users ->
                users.isEmpty()
                    ? secrets.delete(name).then()
                    : Mono.error(
                        new ConflictException(
                            "secret '" + name + "' is used by " + String.join(", ", users))));
  }

  private void requireKey() {
    if (!secrets.configured()) {
      throw new SecretsUnavailableException();
    }
  }

  private static void checkValue(String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException("value: required, a non-empty string");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      throw new InvalidInputException("value: at most " + MAX_VALUE_BYTES / 1024 + " KiB (UTF-8)");
    }
  }
}
