package io.cta.api.file;

import io.cta.server.execution.StoredFile;
import java.util.List;

/**
 * An attachment or screenshot of a result, as the API shows it.
 *
 * @param url where to download it: {@code GET /api/v1/files/{id}}
 */
public record FileView(String id, String name, long size, String url) {

  public static FileView of(StoredFile file) {
    return new FileView(file.id(), file.name(), file.size(), FileController.PATH + "/" + file.id());
  }

  public static List<FileView> of(List<StoredFile> files) {
    return files == null ? List.of() : files.stream().map(FileView::of).toList();
  }
}
