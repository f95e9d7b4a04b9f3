package io.cta.api.token;

import io.cta.server.security.Role;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/v1/tokens}.
 *
 * @param machine for an agent token: the only machine name it may speak for (optional)
 */
public record TokenRequest(
    @NotBlank @Size(max = 200) String name, @NotNull Role role, @Size(max = 128) String machine) {}
