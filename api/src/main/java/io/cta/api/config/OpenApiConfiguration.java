package io.cta.api.config;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** The OpenAPI description at /v3/api-docs (Swagger UI at /swagger-ui.html). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  private static final String BEARER = "bearer";
  private static final String PROBLEM = "ProblemDetail";

  @Bean
  OpenAPI ctaOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("CTA API")
                .description("Test orchestration: suites, configurations, scenarios, executions.")
                .version("v1"))
        .components(
            new Components()
                .addSecuritySchemes(
                    BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"))
                .addSchemas(PROBLEM, problemDetail()));
  }

  /**
   * Every operation's security requirement and error responses, from what its handler takes: 400
   * with a body or query parameters, 401 and 403 always, 404 with an id in the path, 412 with
   * {@code If-Match}, 413 and 415 with a body. The 409s are declared on the handlers that answer
   * them. Every error response has a problem detail body.
   */
  @Bean
  OperationCustomizer errorResponses() {
    return (operation, handler) -> {
      operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
      boolean body = false;
      boolean params = false;
      boolean id = false;
      boolean ifMatch = false;
      for (MethodParameter parameter : handler.getMethodParameters()) {
        body |= parameter.hasParameterAnnotation(RequestBody.class);
        params |= parameter.hasParameterAnnotation(RequestParam.class);
        id |= parameter.hasParameterAnnotation(PathVariable.class);
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        ifMatch |= header != null && HttpHeaders.IF_MATCH.equals(header.value());
      }
      ApiResponses responses = operation.getResponses();
      if (body || params) {
        add(responses, "400", "Invalid input; `detail` names the field or parameter");
      }
      add(responses, "401", "No bearer token, or an unknown or revoked one");
      add(responses, "403", "The token's role may not do this");
      if (id) {
        add(responses, "404", "Nothing has the id in the path");
      }
      if (ifMatch) {
        add(responses, "412", "`If-Match` is not the current `ETag`: GET it again");
      }
      if (body) {
        add(responses, "413", "The body is over the size limit (16 MB as shipped)");
        add(responses, "415", "The body is not `application/json`");
      }
      responses.forEach(
          (status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
              response.setContent(
                  new Content()
                      .addMediaType(
                          "application/problem+json",
                          new MediaType().schema(new Schema<>().$ref(PROBLEM))));
            }
          });
      return operation;
    };
  }

  private static void add(ApiResponses responses, String status, String description) {
    if (!responses.containsKey(status)) {
      responses.addApiResponse(status, new ApiResponse().description(description));
    }
  }

  /** RFC 9457, as {@code io.cta.server.web.ProblemHandler} renders it. */
  private static Schema<?> problemDetail() {
    return new ObjectSchema()
        .description("An RFC 9457 problem detail (application/problem+json)")
        .addProperty("type", new StringSchema().format("uri").example("about:blank"))
        .addProperty("title", new StringSchema().example("Bad Request"))
        .addProperty("status", new IntegerSchema().example(400))
        .addProperty(
            "detail", new StringSchema().example("retries: must be less than or equal to 10"))
        .addProperty("instance", new StringSchema().format("uri").example("/api/v1/scenarios"));
  }
}
