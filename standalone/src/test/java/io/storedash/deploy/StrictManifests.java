package io.storedash.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The schema check: every YAML document of a rendered manifest is read into the Kubernetes API type of its
 * apiVersion and kind (fabric8's kubernetes-model, generated from the Kubernetes OpenAPI schema). A field of the
 * wrong type fails the read; an unknown field does not, because the model keeps it in {@code additionalProperties}
 * (the API server would drop it silently, or reject it with strict field validation), so every object of the result
 * is walked and any such field is reported with its path. A kind the model does not know is reported too.
 */
final class StrictManifests {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  /** The typed resources, in document order, and what was wrong with the others or with their fields. */
  record Parsed(List<HasMetadata> resources, List<String> problems) {
  }

  private StrictManifests() {
  }

  static Parsed parse(String yaml) {
    List<HasMetadata> resources = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        documents.add(it.next());
      }
    } catch (RuntimeException e) {
      problems.add("not valid YAML: " + e.getMessage());
      return new Parsed(resources, problems);
    }
    int index = 0;
    for (JsonNode document : documents) {
      index++;
      if (document == null || document.isNull() || document.isMissingNode()) {
        continue;
      }
      String where = describe(document, index);
      if (!document.isObject()) {
        problems.add(where + ": not a mapping");
        continue;
      }
      if (!document.path("apiVersion").isString() || !document.path("kind").isString()) {
        problems.add(where + ": no apiVersion or kind");
        continue;
      }
      Object typed;
      try {
        typed = SERIALIZATION.convertValue(document, KubernetesResource.class);
      } catch (RuntimeException e) {
        problems.add(where + ": does not fit the " + document.path("apiVersion").asString() + " " + document.path("kind").asString()
          + " schema: " + rootMessage(e));
        continue;
      }
      if (typed instanceof GenericKubernetesResource || !(typed instanceof HasMetadata resource)) {
        problems.add(where + ": " + document.path("apiVersion").asString() + " " + document.path("kind").asString()
          + " is not a Kubernetes API type known to the schema check (fabric8 kubernetes-model)");
        continue;
      }
      List<String> unknown = new ArrayList<>();
      collectUnknownFields(typed, "", unknown);
      unknown.forEach(field -> problems.add(where + ": unknown field " + field));
      resources.add(resource);
    }
    return new Parsed(resources, problems);
  }

  /** Adds the path of every field that the schema does not define, anywhere below {@code node}. */
  private static void collectUnknownFields(Object node, String path, List<String> unknown) {
    if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknownFields(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> collectUnknownFields(value, path + "[" + key + "]", unknown));
      return;
    }
    if (!node.getClass().getName().startsWith(MODEL_PACKAGE)) {
      return;
    }
    for (Class<?> type = node.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        Object value;
        try {
          field.setAccessible(true);
          value = field.get(node);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalStateException("cannot read " + type.getName() + "." + field.getName(), e);
        }
        if (field.getName().equals("additionalProperties")) {
          if (value instanceof Map<?, ?> extra) {
            extra.keySet().forEach(key -> unknown.add(join(path, String.valueOf(key))));
          }
        } else {
          collectUnknownFields(value, join(path, jsonName(field)), unknown);
        }
      }
    }
  }

  private static String jsonName(Field field) {
    JsonProperty property = field.getAnnotation(JsonProperty.class);
    return property != null && !property.value().isEmpty() ? property.value() : field.getName();
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String describe(JsonNode document, int index) {
    String kind = document.path("kind").isString() ? document.path("kind").asString() : "?";
    String name = document.path("metadata").path("name").isString() ? document.path("metadata").path("name").asString() : "?";
    return "document " + index + " (" + kind + " " + name + ")";
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
