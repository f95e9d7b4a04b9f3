package io.cta.server.machine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.bson.Document;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;

/**
 * How {@link Labels} are stored: properties as a list of {@code {name, value}} pairs, since Spring
 * Data refuses map keys with dots and agents declare names such as {@code os.version}. Documents
 * written before, with properties as a sub-document, are read too. Registered with the others in
 * {@code io.cta.server.config.MongoConversions}.
 */
public final class LabelsConversions {

  private LabelsConversions() {}

  public static List<Converter<?, ?>> converters() {
    return List.of(new LabelsWriter(), new LabelsReader());
  }

  @WritingConverter
  static final class LabelsWriter implements Converter<Labels, Document> {
    @Override
    public Document convert(Labels labels) {
      List<Document> properties = new ArrayList<>();
      new TreeMap<>(labels.properties())
          .forEach(
              (name, value) -> properties.add(new Document("name", name).append("value", value)));
      return new Document("properties", properties).append("groups", labels.groups());
    }
  }

  @ReadingConverter
  static final class LabelsReader implements Converter<Document, Labels> {
    @Override
    public Labels convert(Document document) {
      Map<String, String> properties = new LinkedHashMap<>();
      Object stored = document.get("properties");
      if (stored instanceof List<?> pairs) {
        for (Object pair : pairs) {
          if (pair instanceof Document p && p.getString("name") != null) {
            properties.put(p.getString("name"), p.getString("value"));
          }
        }
      } else if (stored instanceof Document map) {
        // The shape stored before property names could hold dots.
        map.forEach((name, value) -> properties.put(name, value == null ? null : value.toString()));
      }
      List<String> groups = new ArrayList<>();
      if (document.get("groups") instanceof List<?> list) {
        list.forEach(g -> groups.add(String.valueOf(g)));
      }
      properties.values().removeIf(Objects::isNull);
      return new Labels(properties, groups);
    }
  }
}
