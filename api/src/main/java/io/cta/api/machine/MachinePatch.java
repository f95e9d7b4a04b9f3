package io.cta.api.machine;

import io.cta.server.machine.Selector;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/** Body of {@code PATCH /api/v1/machines/{id}}: the server-assigned labels; null keeps a part. */
public record MachinePatch(
    @Size(max = 200)
        Map<
                @NotBlank @Size(max = 200)
                @Pattern(
                    regexp = Selector.PROPERTY_NAME,
                    message =
                        "must be letters, digits, '.', '_', '/' or '-', starting and ending"
                            + " with a letter or digit")
                String,
                @NotNull @Size(max = 1000) String>
            properties,
    @Size(max = 100) List<@NotBlank String> groups) {}
