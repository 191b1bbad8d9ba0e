package io.storedash.loadtest.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The requests a run makes. Text form, one endpoint a line, {@code #} starts a comment:
 * <pre>
 * overview   /api/v1/stores/{store}/overview?from={from}&amp;to={to}   [weight]
 * </pre>
 * The closed model walks the lines in order as one dashboard visit; the open model picks a line per request by
 * weight (default 1).
 */
public final class EndpointMix {

  private static final String DASHBOARD_RESOURCE = "/dashboard-mix.txt";

  private final List<Endpoint> endpoints;
  private final double[] cumulativeWeight;

  public EndpointMix(List<Endpoint> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("the endpoint mix is empty");
    }
    Set<String> names = new HashSet<>();
    for (Endpoint e : endpoints) {
      if (!names.add(e.name())) {
        throw new IllegalArgumentException("endpoint name " + e.name() + " appears twice in the mix");
      }
    }
    this.endpoints = List.copyOf(endpoints);
    cumulativeWeight = new double[endpoints.size()];
    double sum = 0;
    for (int i = 0; i < endpoints.size(); i++) {
      sum += endpoints.get(i).weight();
      cumulativeWeight[i] = sum;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("every endpoint of the mix has weight 0");
    }
  }

  /** The dashboard session of the design (page, stores, the per-store calls, ranking, monitor). */
  public static EndpointMix dashboard() {
    try (InputStream in = EndpointMix.class.getResourceAsStream(DASHBOARD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DASHBOARD_RESOURCE + " is missing from the loadtest jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in dashboard mix");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A single constant URL, for the machine-limit baseline. */
  public static EndpointMix urlOnly(String path) {
    PathTemplate template = new PathTemplate(path);
    if (template.usesStore() || template.usesRange()) {
      throw new IllegalArgumentException("--url-only takes a literal path, without placeholders: " + path);
    }
    return new EndpointMix(List.of(new Endpoint("url", template, 1)));
  }

  /** Parses the text form; errors name the source and line. */
  public static EndpointMix parse(String text, String source) {
    List<Endpoint> list = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] cols = line.split("\\s+");
      try {
        if (cols.length < 2 || cols.length > 3) {
          throw new IllegalArgumentException("expected 'name path [weight]', got " + cols.length + " column(s)");
        }
        double weight = 1;
        if (cols.length == 3) {
          try {
            weight = Double.parseDouble(cols[2]);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weight '" + cols[2] + "' is not a number");
          }
        }
        list.add(new Endpoint(cols[0], new PathTemplate(cols[1]), weight));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException(source + " lists no endpoint");
    }
    return new EndpointMix(list);
  }

  /** The endpoints with these names, in mix order; unknown names are an error that lists the known ones. */
  public EndpointMix only(Collection<String> names) {
    Set<String> wanted = new LinkedHashSet<>(names);
    List<Endpoint> kept = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (wanted.remove(e.name())) {
        kept.add(e);
      }
    }
    if (!wanted.isEmpty()) {
      throw new IllegalArgumentException("unknown endpoint(s) " + wanted + "; the mix has " + names());
    }
    return new EndpointMix(kept);
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  public List<String> names() {
    return endpoints.stream().map(Endpoint::name).toList();
  }

  public int size() {
    return endpoints.size();
  }

  public boolean usesStore() {
    return endpoints.stream().anyMatch(e -> e.path().usesStore());
  }

  /** The open model's pick for a uniform random u in [0, 1). */
  public Endpoint pick(double u) {
    double target = u * cumulativeWeight[cumulativeWeight.length - 1];
    for (int i = 0; i < cumulativeWeight.length; i++) {
      if (target < cumulativeWeight[i]) {
        return endpoints.get(i);
      }
    }
    return endpoints.get(endpoints.size() - 1);
  }
}
