package io.cta.server.config;

import io.cta.server.definition.TargetConversions;
import io.cta.server.machine.LabelsConversions;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.mongodb.core.convert.MappingMongoConverter;
import org.springframework.data.mongodb.core.convert.MongoCustomConversions;
import org.springframework.data.mongodb.core.convert.NoOpDbRefResolver;
import org.springframework.data.mongodb.core.mapping.MongoMappingContext;

/**
 * The types stored in a shape of their own: {@code Labels} ({@link LabelsConversions}) and {@code
 * Target} ({@link TargetConversions}). One bean, since Spring Data takes one set of conversions.
 */
@Configuration(proxyBeanMethods = false)
public class MongoConversions {

  @Bean
  MongoCustomConversions mongoCustomConversions() {
    return conversions();
  }

  public static MongoCustomConversions conversions() {
    List<Converter<?, ?>> all = new ArrayList<>(LabelsConversions.converters());
    all.addAll(TargetConversions.converters());
    return new MongoCustomConversions(all);
  }

  /**
   * A converter that stores as the applications do, for the templates tests build themselves:
   * {@code new ReactiveMongoTemplate(factory, MongoConversions.converter())}.
   */
  public static MappingMongoConverter converter() {
    MongoCustomConversions conversions = conversions();
    MongoMappingContext context = new MongoMappingContext();
    context.setSimpleTypeHolder(conversions.getSimpleTypeHolder());
    context.afterPropertiesSet();
    MappingMongoConverter converter =
        new MappingMongoConverter(NoOpDbRefResolver.INSTANCE, context);
    converter.setCustomConversions(conversions);
    converter.afterPropertiesSet();
    return converter;
  }
}
