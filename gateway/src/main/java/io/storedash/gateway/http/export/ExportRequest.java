package io.storedash.gateway.http.export;

import io.storedash.gateway.http.ParameterProblem;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.util.Set;

/**
 * An export asked of a view route: {@code format=csv|xlsx} or the matching {@code Accept}, and {@code lang=zh|en} for
 * its headers. Neither parameter belongs to the view: both are taken off before the view's own validation, so the
 * JSON view, its cache key and the checks of its parameters are the same with and without them.
 *
 * @param format what the file is written as
 * @param language the language of its headers and labels
 */
public record ExportRequest(ExportFormat format, Language language) {

  public static final String FORMAT = "format";
  public static final String LANG = "lang";
  /** The parameters of an export, which no view takes. */
  public static final Set<String> PARAMETERS = Set.of(FORMAT, LANG);

  /**
   * The export a request asks for, or null when it asks for the JSON view. {@code lang} is checked whenever it is
   * given, so that a wrong value is a 400 on the JSON view too rather than ignored.
   *
   * @throws ParameterProblem naming {@code format} or {@code lang}
   */
  public static ExportRequest of(HttpServerRequest request) {
    String query = request.query();
    boolean named = query != null && (query.contains(FORMAT) || query.contains(LANG));
    ExportFormat accepted = ExportFormat.accepted(request.getHeader(HttpHeaders.ACCEPT));
    if (!named && accepted == null) {
      // The hot path: a JSON view asked without either parameter costs one header lookup here.
      return null;
    }
    MultiMap params = request.params();
    Language language = language(single(params, LANG));
    String format = single(params, FORMAT);
    if (format == null) {
      return accepted == null ? null : new ExportRequest(accepted, language);
    }
    ExportFormat chosen = ExportFormat.named(format);
    if (chosen == null) {
      throw new ParameterProblem(FORMAT, "format must be one of [csv, xlsx], got '" + format + "'");
    }
    return new ExportRequest(chosen, language);
  }

  /** The request's parameters without the export's: what the view is asked with. */
  public static MultiMap viewParams(MultiMap params) {
    if (PARAMETERS.stream().noneMatch(params::contains)) {
      return params;
    }
    MultiMap view = MultiMap.caseInsensitiveMultiMap();
    for (String name : params.names()) {
      if (!PARAMETERS.contains(name)) {
        view.add(name, params.getAll(name));
      }
    }
    return view;
  }

  private static String single(MultiMap params, String name) {
    if (params.getAll(name).size() > 1) {
      throw new ParameterProblem(name, "parameter " + name + " is given more than once");
    }
    return params.get(name);
  }

  private static Language language(String lang) {
    if (lang == null) {
      return Language.ZH;
    }
    return switch (lang) {
      case "zh" -> Language.ZH;
      case "en" -> Language.EN;
      default -> throw new ParameterProblem(LANG, "lang must be one of [zh, en], got '" + lang + "'");
    };
  }
}
