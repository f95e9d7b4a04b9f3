package io.cta.api.vm;

import io.cta.server.definition.DefinitionStore;
import io.cta.server.error.ConflictException;
import io.cta.server.error.NotFoundException;
import io.cta.server.vm.VmPoolDocument;
import io.cta.server.vm.VmPoolStore;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * VM pools (docs/vm-manager.md#pools): where machines for virtual configurations come from. Names
 * are unique, and {@code {name}} also accepts the pool's id. Definitions like the others: paging,
 * ETags and {@code If-Match}, operators and admins write, every role reads.
 */
@RestController
@RequestMapping(path = "/api/v1/vm-pools", produces = MediaType.APPLICATION_JSON_VALUE)
class VmPoolController {

  private static final Set<String> SORTABLE = Set.of("name", "createdAt", "updatedAt");
  private static final String WHAT = "vm pool";

  private final DefinitionStore definitions;
  private final VmPoolStore pools;

  VmPoolController(DefinitionStore definitions, VmPoolStore pools) {
    this.definitions = definitions;
    this.pools = pools;
  }

  @ApiResponse(responseCode = "200", description = "One page of pools, without their machines")
  @GetMapping
  Mono<PageView<VmPoolView>> list(
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer size,
      @RequestParam(required = false) String sort) {
    PageRequest paging = PageRequest.of(page, size, sort, SORTABLE, Sort.by("name"));
    return PageView.of(
        paging,
        definitions
            .find(VmPoolDocument.class, null, paging.sort(), paging.offset(), paging.size())
            .map(pool -> VmPoolView.of(pool, null)),
        definitions.count(VmPoolDocument.class, null));
  }

  @ApiResponse(responseCode = "201", description = "Created")
  @ApiResponse(responseCode = "409", description = "A pool of this name exists")
  @PostMapping
  Mono<ResponseEntity<VmPoolView>> create(@RequestBody VmPoolRequest request) {
    VmPools.Checked checked = VmPools.check(request);
    Instant now = DefinitionStore.nextUpdate(null);
    return definitions
        .insert(VmPools.document(new ObjectId().toHexString(), checked, now, now))
        .onErrorMap(DuplicateKeyException.class, e -> nameTaken(checked.name()))
        .map(
            saved ->
                ResponseEntity.created(URI.create("/api/v1/vm-pools/" + saved.name()))
                    .eTag(DefinitionStore.etag(saved.updatedAt()))
                    .body(VmPoolView.of(saved, null)));
  }

  @ApiResponse(responseCode = "200", description = "The pool with its live and latest machines")
  @GetMapping("/{name}")
  Mono<ResponseEntity<VmPoolView>> get(
      @Parameter(description = "The pool's name or id") @PathVariable String name) {
    return find(name)
        .flatMap(
            pool ->
                pools
                    .machines(pool.id())
                    .map(VmPoolView.Machine::of)
                    .collectList()
                    .map(
                        machines ->
                            ResponseEntity.ok()
                                .eTag(DefinitionStore.etag(pool.updatedAt()))
                                .body(VmPoolView.of(pool, machines))));
  }

  @ApiResponse(responseCode = "200", description = "Updated, with its new ETag")
  @ApiResponse(
      responseCode = "409",
      description = "The name is taken, or the provider cannot change")
  @PutMapping("/{name}")
  Mono<ResponseEntity<VmPoolView>> update(
      @Parameter(description = "The pool's name or id") @PathVariable String name,
      @RequestBody VmPoolRequest request,
      @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    VmPools.Checked checked = VmPools.check(request);
    return find(name)
        .flatMap(
            pool ->
                checked.provider().equals(pool.provider())
                    ? Mono.just(pool)
                    : pools
                        .hasLiveMachines(pool.id())
                        .flatMap(
                            live ->
                                live
                                    ? Mono.error(
                                        new ConflictException(
                                            "provider: vm pool '"
                                                + pool.name()
                                                + "' has live machines; its provider cannot change"
                                                + " until they are destroyed"))
                                    : Mono.just(pool)))
        .flatMap(
            pool ->
                definitions.replace(
                    VmPoolDocument.class,
                    pool.id(),
                    WHAT,
                    ifMatch,
                    VmPoolDocument::updatedAt,
                    old -> Map.of("provider", old.provider()),
                    old ->
                        VmPools.document(
                            old.id(),
                            checked,
                            old.createdAt(),
                            DefinitionStore.nextUpdate(old.updatedAt()))))
        .onErrorMap(DuplicateKeyException.class, e -> nameTaken(checked.name()))
        .map(
            saved ->
                ResponseEntity.ok()
                    .eTag(DefinitionStore.etag(saved.updatedAt()))
                    .body(VmPoolView.of(saved, null)));
  }

  @ApiResponse(responseCode = "204", description = "Deleted")
  @ApiResponse(responseCode = "409", description = "The pool still has live machines")
  @DeleteMapping("/{name}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> delete(@Parameter(description = "The pool's name or id") @PathVariable String name) {
    return find(name)
        .flatMap(
            pool ->
                pools
                    .hasLiveMachines(pool.id())
                    .flatMap(
                        live ->
                            live
                                ? Mono.error(
                                    new ConflictException(
                                        "vm pool '"
                                            + pool.name()
                                            + "' still has live machines; delete it once they are"
                                            + " destroyed"))
                                : definitions.delete(VmPoolDocument.class, pool.id(), WHAT)));
  }

  private Mono<VmPoolDocument> find(String name) {
    return pools.find(name).switchIfEmpty(Mono.error(() -> new NotFoundException(WHAT, name)));
  }

  private static ConflictException nameTaken(String name) {
    return new ConflictException("name: a vm pool named '" + name + "' exists");
  }
}
