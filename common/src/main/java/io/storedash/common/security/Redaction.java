package io.storedash.common.security;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of text bound for a log line, an error message or the monitor (docs/DESIGN.md §11.6): the password
 * in a URL's user info ({@code scheme://user:password@host}), the value of a {@code password=} parameter, and, word for
 * word, every secret this process was configured with ({@link #register}: the values of PG_PASSWORD, REDIS_PASSWORD,
 * CLUSTER_SECRET, ADMIN_TOKEN, OIDC_CLIENT_SECRET and the passwords inside PG_URL and REDIS_URL), raw or
 * percent-encoded. Each is replaced by {@link #MASK}.
 *
 * <p>The clients StoreDash uses put the URL they were given into their own exceptions (the PostgreSQL client's
 * "Cannot parse invalid connection URI: postgresql://user:password@...", the JDK's URISyntaxException under the Redis
 * client): so every failure that may carry one is passed through here before it is logged or shown, and the log
 * layout ({@link RedactingLayout}) does it once more for every line.
 */
public final class Redaction {

  /** What a secret is replaced with. */
  public static final String MASK = "***";
  /**
   * Shorter configured values are masked only where they stand in a URL: word for word, a 4-letter password would
   * mask every occurrence of that word in every log line.
   */
  public static final int MIN_VERBATIM_LENGTH = 8;

  /**
   * {@code scheme://user:password@}: the password runs to the last {@code @} before a space, a quote or the end. A
   * bracket where the user would be is a template ({@code redis://[user:password@]host}), not a URL.
   */
  private static final Pattern URL_PASSWORD =
    Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.-]*://)([^\\s:@/?#\\[\\]'\"<>]*):([^\\s'\"<>]*)@");
  /** {@code password=...} in a query string or a key=value list, up to the next separator. */
  private static final Pattern PASSWORD_PARAMETER =
    Pattern.compile("(?i)(\\b(?:password|passwd|pwd)=)[^&\\s;,'\"<>)\\]]*");

  /** Longest first, so that a secret that contains another is masked whole. */
  private static volatile List<String> secrets = List.of();

  private Redaction() {
  }

  /**
   * Adds configured secret values, each also in its percent-encoded forms (as it stands in a URL), to those masked
   * word for word from now on in this process. Blank values and values shorter than {@link #MIN_VERBATIM_LENGTH}
   * are skipped.
   */
  public static synchronized void register(Collection<String> values) {
    Set<String> all = new LinkedHashSet<>(secrets);
    for (String value : values) {
      if (value == null || value.isBlank() || value.length() < MIN_VERBATIM_LENGTH) {
        continue;
      }
      all.add(value);
      String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
      all.add(encoded);
      all.add(encoded.replace("+", "%20"));
      // A value given percent-encoded (the password inside a URL) is masked decoded as well.
      try {
        String decoded = URLDecoder.decode(value, StandardCharsets.UTF_8);
        if (decoded.length() >= MIN_VERBATIM_LENGTH) {
          all.add(decoded);
        }
      } catch (IllegalArgumentException e) {
        // not percent-encoded
      }
    }
    secrets = all.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  /** As {@link #register(Collection)}. */
  public static void register(String... values) {
    register(List.of(values));
  }

  /**
   * The passwords {@code text} carries where {@link #redact} looks for them: in a URL's user info and in
   * {@code password=} parameters, as written (percent-encoded or not).
   */
  public static List<String> passwordsIn(String text) {
    List<String> found = new java.util.ArrayList<>();
    if (text == null) {
      return found;
    }
    Matcher url = URL_PASSWORD.matcher(text);
    while (url.find()) {
      if (!url.group(3).isEmpty()) {
        found.add(url.group(3));
      }
    }
    Matcher parameter = PASSWORD_PARAMETER.matcher(text);
    while (parameter.find()) {
      String value = text.substring(parameter.end(1), parameter.end());
      if (!value.isEmpty()) {
        found.add(value);
      }
    }
    return found;
  }

  /** {@code text} without URL passwords, {@code password=} values and registered secrets; null stays null. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : secrets) {
      if (result.contains(secret)) {
        result = result.replace(secret, MASK);
      }
    }
    // The patterns run only on text that can hold what they look for: every log line passes here (RedactingLayout).
    if (result.indexOf("://") >= 0 && result.indexOf('@') >= 0) {
      Matcher m = URL_PASSWORD.matcher(result);
      if (m.find()) {
        result = m.replaceAll(match -> Matcher.quoteReplacement(match.group(1) + match.group(2) + ":" + MASK + "@"));
      }
    }
    if (hasPasswordParameter(result)) {
      result = PASSWORD_PARAMETER.matcher(result).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }
    return result;
  }

  /** Whether an {@code =} follows {@code pwd}, {@code passwd} or {@code password} (any case) somewhere in {@code text}. */
  private static boolean hasPasswordParameter(String text) {
    for (int eq = text.indexOf('='); eq >= 0; eq = text.indexOf('=', eq + 1)) {
      if (endsWith(text, eq, "pwd") || endsWith(text, eq, "passwd") || endsWith(text, eq, "password")) {
        return true;
      }
    }
    return false;
  }

  private static boolean endsWith(String text, int end, String word) {
    return end >= word.length() && text.regionMatches(true, end - word.length(), word, 0, word.length());
  }

  /** A failure's message for a log line or an error body: redacted, its class's simple name when it has none. */
  public static String message(Throwable failure) {
    if (failure == null) {
      return "unknown error";
    }
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : redact(message);
  }

  /**
   * A copy of {@code failure} to log with its stack trace: the same class names, frames, causes and suppressed
   * failures, every message redacted. Returns {@code failure} itself when no message in the chain needs it.
   */
  public static Throwable throwable(Throwable failure) {
    if (failure == null || !needsRedaction(failure, 0)) {
      return failure;
    }
    return copy(failure, 0);
  }

  private static boolean needsRedaction(Throwable t, int depth) {
    if (t == null || depth > 32) {
      return false;
    }
    String message = t.getMessage();
    if (message != null && !message.equals(redact(message))) {
      return true;
    }
    for (Throwable suppressed : t.getSuppressed()) {
      if (needsRedaction(suppressed, depth + 1)) {
        return true;
      }
    }
    return t.getCause() != t && needsRedaction(t.getCause(), depth + 1);
  }

  private static Throwable copy(Throwable t, int depth) {
    boolean deeper = depth < 32;
    Throwable cause = deeper && t.getCause() != null && t.getCause() != t ? copy(t.getCause(), depth + 1) : null;
    RedactedFailure copy = new RedactedFailure(t.getClass().getName(), redact(t.getMessage()), cause);
    copy.setStackTrace(t.getStackTrace());
    if (deeper) {
      for (Throwable suppressed : t.getSuppressed()) {
        copy.addSuppressed(copy(suppressed, depth + 1));
      }
    }
    return copy;
  }

  /**
   * A failure whose message (or a cause's) had a secret. Its message starts with the original's class, so that a log
   * or a stack trace still says what failed: {@code Redaction$RedactedFailure: java.lang.IllegalArgumentException:
   * Cannot parse invalid connection URI: postgresql://storedash:***@...}.
   */
  static final class RedactedFailure extends RuntimeException {

    RedactedFailure(String originalClass, String redactedMessage, Throwable cause) {
      super(redactedMessage == null ? originalClass : originalClass + ": " + redactedMessage, cause, true, true);
    }
  }
}
