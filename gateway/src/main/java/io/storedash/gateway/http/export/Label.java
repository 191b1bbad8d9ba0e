package io.storedash.gateway.http.export;

/** A text in both languages of the page. */
record Label(String zh, String en) {

  String in(Language language) {
    return language.pick(zh, en);
  }
}
