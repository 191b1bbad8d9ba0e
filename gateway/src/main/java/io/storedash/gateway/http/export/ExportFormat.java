package io.storedash.gateway.http.export;

import java.util.Locale;

/** What an export is written as. */
public enum ExportFormat {
  /** UTF-8 with a byte-order mark, so that Excel opens Chinese text as such; CRLF lines (RFC 4180). */
  CSV("text/csv; charset=utf-8", "text/csv", "csv"),
  /** An Office Open XML workbook: the 说明 sheet, then a sheet per table. */
  XLSX("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");

  private final String contentType;
  private final String mediaType;
  private final String extension;

  ExportFormat(String contentType, String mediaType, String extension) {
    this.contentType = contentType;
    this.mediaType = mediaType;
    this.extension = extension;
  }

  /** The answer's Content-Type. */
  public String contentType() {
    return contentType;
  }

  /** The media type an {@code Accept} header names this format by. */
  String mediaType() {
    return mediaType;
  }

  /** The file name's extension, and the value of {@code format=}. */
  public String extension() {
    return extension;
  }

  /** The format {@code format=} names, or null when it names none of them. */
  static ExportFormat named(String value) {
    for (ExportFormat format : values()) {
      if (format.extension.equals(value)) {
        return format;
      }
    }
    return null;
  }

  /**
   * The format an {@code Accept} header prefers over JSON, or null: a media range for CSV or .xlsx with a higher
   * quality than any range JSON matches (wildcards included), the first listed on a tie. A browser's {@code *}{@code /*}
   * and a script's {@code application/json} stay JSON.
   */
  static ExportFormat accepted(String accept) {
    // Every dashboard request passes here: most name neither type, and are not parsed.
    if (accept == null || !(mentions(accept, "csv") || mentions(accept, "spreadsheetml"))) {
      return null;
    }
    ExportFormat best = null;
    double bestQuality = 0;
    double json = 0;
    for (String range : accept.toLowerCase(Locale.ROOT).split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].trim();
      double quality = quality(parts);
      if (type.equals("application/json") || type.equals("application/*") || type.equals("*/*")) {
        json = Math.max(json, quality);
      }
      for (ExportFormat format : values()) {
        if (type.equals(format.mediaType) && quality > bestQuality) {
          best = format;
          bestQuality = quality;
        }
      }
    }
    return best != null && bestQuality > json ? best : null;
  }

  private static boolean mentions(String header, String word) {
    for (int i = 0; i + word.length() <= header.length(); i++) {
      if (header.regionMatches(true, i, word, 0, word.length())) {
        return true;
      }
    }
    return false;
  }

  private static double quality(String[] parameters) {
    for (int i = 1; i < parameters.length; i++) {
      String p = parameters[i].trim();
      if (p.startsWith("q=")) {
        try {
          return Math.max(0, Math.min(1, Double.parseDouble(p.substring(2).trim())));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }
}
