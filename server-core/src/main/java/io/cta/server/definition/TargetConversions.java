package io.cta.server.definition;

import java.util.List;
import org.bson.Document;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;

/**
 * How a {@link Target} is stored wherever a configuration is (configurations, and the executions
 * that embed theirs): as {@link TargetFields} with the one set field, {@code {"group": "g"}}, the
 * shape stored before targets were types, so that both read.
 */
public final class TargetConversions {

  private TargetConversions() {}

  public static List<Converter<?, ?>> converters() {
    return List.of(new TargetWriter(), new TargetReader());
  }

  @WritingConverter
  static final class TargetWriter implements Converter<Target, Document> {
    @Override
    public Document convert(Target target) {
      TargetFields fields = target.fields();
      Document document = new Document();
      put(document, "machine", fields.machine());
      put(document, "group", fields.group());
      put(document, "selector", fields.selector());
      return document;
    }

    private static void put(Document document, String name, String value) {
      if (value != null) {
        document.put(name, value);
      }
    }
  }

  /** A stored target without exactly one field (never written by CTA) reads as null. */
  @ReadingConverter
  static final class TargetReader implements Converter<Document, Target> {
    @Override
    public Target convert(Document document) {
      return new TargetFields(
              document.getString("machine"),
              document.getString("group"),
              document.getString("selector"))
          .target();
    }
  }
}
