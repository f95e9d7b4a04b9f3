package io.cta.cli.run;

import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import io.cta.cli.http.ApiClient;
import io.cta.cli.http.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Finds a suite, configuration or scenario by id or by exact name ({@code GET …?name=}). The name
 * is compared again here, so a server that ignores the filter cannot make a wrong match.
 */
public final class Lookup {

  private static final Pattern ID = Pattern.compile("[0-9a-f]{24}");

  private Lookup() {}

  /** The object's id; an unknown one exits {@code notFound}, an ambiguous name exits 2. */
  public static String id(ApiClient api, String collection, String idOrName, ExitCode notFound) {
    if (ID.matcher(idOrName).matches()) {
      try {
        return api.get("/api/v1/" + collection + "/" + idOrName).get("id").asString();
      } catch (ApiError e) {
        if (e.status() != 404) {
          throw e;
        }
      }
    }
    List<JsonNode> matches = byName(api, collection, idOrName);
    String kind = collection.substring(0, collection.length() - 1);
    if (matches.isEmpty()) {
      throw new CliException(notFound, "no " + kind + " with the id or name '" + idOrName + "'");
    }
    if (matches.size() > 1) {
      throw new CliException(
          ExitCode.USAGE,
          matches.size()
              + " "
              + collection
              + " are named '"
              + idOrName
              + "'; give one of their ids: "
              + String.join(", ", matches.stream().map(m -> m.get("id").asString()).toList()));
    }
    return matches.get(0).get("id").asString();
  }

  /** Every object of the collection with exactly this name. */
  public static List<JsonNode> byName(ApiClient api, String collection, String name) {
    List<JsonNode> matches = new ArrayList<>();
    for (int page = 0; ; page++) {
      JsonNode answer =
          api.get(
              "/api/v1/"
                  + collection
                  + ApiClient.query(ApiClient.params("name", name, "size", 500, "page", page)));
      for (JsonNode item : answer.path("items")) {
        if (name.equals(item.path("name").asString())) {
          matches.add(item);
        }
      }
      if ((long) (page + 1) * 500 >= answer.path("total").asLong()) {
        return matches;
      }
    }
  }
}
