package io.storedash.gateway.http;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /openapi.yaml} as the tools that clients generate code and documentation with read it: swagger-parser (the
 * parser of swagger-codegen and openapi-generator) must read it without a single error or warning message, and
 * every {@code nullable} schema has a {@code type} (OpenAPI 3.0.3 ignores {@code nullable} without one; Redocly
 * rejects it). A YAML slip that is still valid YAML — an unquoted description with a comma inside a flow mapping
 * becomes an extra key — is caught here rather than by a client's generator.
 */
class OpenApiDocumentTest {

  private static final String DOCUMENT = read();

  @Test
  void swaggerParserReadsTheDocumentWithoutAnyMessage() {
    SwaggerParseResult result = parse(DOCUMENT);
    System.out.printf("swagger-parser on %s: %d message(s), %d paths, %d schemas%n", ApiDocument.RESOURCE,
      result.getMessages() == null ? 0 : result.getMessages().size(),
      result.getOpenAPI() == null ? 0 : result.getOpenAPI().getPaths().size(),
      result.getOpenAPI() == null ? 0 : result.getOpenAPI().getComponents().getSchemas().size());
    assertThat(result.getMessages()).as("swagger-parser's errors and warnings on " + ApiDocument.RESOURCE).isEmpty();
    assertThat(result.getOpenAPI()).isNotNull();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.0.3");
  }

  @Test
  void anUnquotedDescriptionWithACommaIsReported() {
    String quoted = "description: \"The parameter that is wrong, when one is.\"";
    assertThat(DOCUMENT).contains(quoted);
    String broken = DOCUMENT.replace(quoted, "description: The parameter that is wrong, when one is.");
    assertThat(parse(broken).getMessages())
      .anySatisfy(message -> assertThat(message).contains("when one is."));
  }

  @Test
  void anUnresolvableReferenceIsReported() {
    String broken = DOCUMENT.replaceFirst("\\$ref: \"#/components/schemas/Problem\"", "\\$ref: \"#/components/schemas/Problme\"");
    assertThat(broken).isNotEqualTo(DOCUMENT);
    assertThat(parse(broken).getMessages()).anySatisfy(message -> assertThat(message).contains("Problme"));
  }

  @Test
  void everyNullableSchemaHasAType() {
    List<String> untyped = new ArrayList<>();
    nullableWithoutType(new Yaml(new SafeConstructor(new LoaderOptions())).load(DOCUMENT), "#", untyped);
    assertThat(untyped).as("schemas with nullable but no type").isEmpty();
    List<String> found = new ArrayList<>();
    nullableWithoutType(Map.of("change", Map.of("nullable", true, "oneOf", List.of())), "#", found);
    assertThat(found).containsExactly("#/change");
  }

  private static void nullableWithoutType(Object node, String path, List<String> found) {
    if (node instanceof Map<?, ?> map) {
      if (Boolean.TRUE.equals(map.get("nullable")) && !map.containsKey("type")) {
        found.add(path);
      }
      map.forEach((key, value) -> nullableWithoutType(value, path + "/" + key, found));
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        nullableWithoutType(list.get(i), path + "/" + i, found);
      }
    }
  }

  private static SwaggerParseResult parse(String yaml) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    return new OpenAPIV3Parser().readContents(yaml, null, options);
  }

  private static String read() {
    try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(ApiDocument.RESOURCE)) {
      assertThat(in).as(ApiDocument.RESOURCE + " on the class path").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
