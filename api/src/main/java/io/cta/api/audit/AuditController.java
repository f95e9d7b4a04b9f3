package io.cta.api.audit;

import io.cta.server.audit.AuditStore;
import io.cta.server.audit.AuditStore.AuditEntry;
import io.cta.server.security.CtaPrincipal;
import io.cta.server.security.Role;
import io.cta.server.web.PageRequest;
import io.cta.server.web.PageView;
import java.util.Set;
import org.springframework.data.domain.Sort;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The audit log, newest first; admins only. */
@RestController
@RequestMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
class AuditController {

  private final AuditStore store;

  AuditController(AuditStore store) {
    this.store = store;
  }

  @GetMapping
  Mono<PageView<AuditEntry>> list(
      @RequestParam(required = false) String by,
      @RequestParam(required = false) String resource,
      @RequestParam(required = false) String resourceId,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer size,
      ServerWebExchange exchange) {
    CtaPrincipal.requireRole(exchange, Role.admin);
    PageRequest paging =
        PageRequest.of(page, size, null, Set.of(), Sort.by(Sort.Direction.DESC, "_id"));
    return store
        .find(by, resource, resourceId, paging.offset(), paging.size())
        .collectList()
        .zipWith(store.count(by, resource, resourceId))
        .map(t -> new PageView<>(t.getT1(), paging.page(), paging.size(), t.getT2()));
  }
}
