package io.storedash.gateway.http.export;

/** The language of an export's headers and labels: the page's ({@code lang=zh|en}, Chinese by default). */
public enum Language {
  ZH, EN;

  /** One of two texts: the Chinese or the English. */
  String pick(String zh, String en) {
    return this == ZH ? zh : en;
  }
}
