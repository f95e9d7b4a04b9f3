package io.cta.api.file;

import io.cta.server.error.NotFoundException;
import io.cta.server.execution.FileStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Downloads of attachments and screenshots. Always as an attachment (never rendered inline), with
 * {@code nosniff} and a sandboxing content security policy, so an uploaded HTML or SVG file cannot
 * run script in the api's origin.
 */
@RestController
@RequestMapping(FileController.PATH)
class FileController {

  static final String PATH = "/api/v1/files";

  private final FileStore files;

  FileController(FileStore files) {
    this.files = files;
  }

  @GetMapping("/{id}")
  @Operation(
      summary = "Download an attachment or screenshot",
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The file's content, with its stored type and name",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                      schema = @Schema(type = "string", format = "binary"))))
  Mono<ResponseEntity<Flux<DataBuffer>>> download(@PathVariable String id) {
    return files
        .download(id)
        .switchIfEmpty(Mono.error(new NotFoundException("file", id)))
        .map(
            download ->
                ResponseEntity.ok()
                    .contentType(mediaType(download.contentType()))
                    .contentLength(download.file().size())
                    .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                            .filename(download.file().name(), StandardCharsets.UTF_8)
                            .build()
                            .toString())
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Content-Security-Policy", "sandbox; default-src 'none'")
                    .body(download.content()));
  }

  private static MediaType mediaType(String stored) {
    try {
      return MediaType.parseMediaType(stored);
    } catch (InvalidMediaTypeException e) {
      return MediaType.APPLICATION_OCTET_STREAM;
    }
  }
}
