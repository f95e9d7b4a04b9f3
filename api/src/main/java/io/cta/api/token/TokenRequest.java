package io.cta.api.token;

import io.cta.server.security.Role;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/tokens}.
 *
 * @param machine for an agent token: the only machine name it may speak for, and that no other
 *     token may register (optional)
 * @param groups for an agent token: the groups (names or {@code *} globs) its agent may declare;
 *     others are refused (optional: any)
 * @param properties for an agent token: the properties its agent may declare, each with the value
 *     globs it may have; others are refused (optional: any)
 */
public record TokenRequest(
    @NotBlank @Size(max = 200) String name,
    @NotNull Role role,
    @Size(max = 128) String machine,
    List<String> groups,
    Map<String, List<String>> properties) {}
