package io.storedash.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The OpenAPI document of the API ({@code openapi.yaml} in the gateway's resources), served as written at
 * {@code /openapi.yaml} and as JSON at {@code /openapi.json} for the docs page, which then needs no YAML parser.
 * The gateway's own validation and this document are proven to agree by {@code OpenApiContractTest}.
 */
public final class ApiDocument {

  public static final String RESOURCE = "openapi.yaml";

  private final Buffer yaml;
  private final Buffer json;
  private final JsonObject document;

  private ApiDocument(byte[] yaml) {
    this.yaml = Buffer.buffer(yaml);
    Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(yaml, StandardCharsets.UTF_8));
    this.document = new JsonObject(tree);
    this.json = Buffer.buffer(document.encode());
  }

  /** Reads and parses the document: blocking, call it off the event loop. */
  public static ApiDocument load() {
    try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return new ApiDocument(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The parsed document. */
  public JsonObject document() {
    return document;
  }

  public void serveYaml(RoutingContext rc) {
    rc.response()
      .putHeader("Content-Type", "application/yaml; charset=utf-8")
      .putHeader("Cache-Control", "no-cache")
      .end(yaml);
  }

  public void serveJson(RoutingContext rc) {
    rc.response()
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("Cache-Control", "no-cache")
      .end(json);
  }
}
