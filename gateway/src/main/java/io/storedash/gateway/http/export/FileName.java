package io.storedash.gateway.http.export;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The name an export is saved under: {@code <store>_<view>_<from>_<to>[_<filter>-<value>...].<csv|xlsx>}, for example
 * {@code S001_订单明细_2026-10-01_2026-10-30_channel-meituan.csv}: the view in the export's language, the range the
 * view answered (the default range resolved), and every other parameter the view was asked with, by name.
 */
final class FileName {

  /** Characters no file name may hold on Windows, macOS or Linux, control characters, and white space. */
  private static final Pattern UNSAFE = Pattern.compile("[\\\\/:*?\"<>|\\p{Cntrl}\\s]+");
  /** The name's length at most, before the extension (file systems take 255 bytes; CJK takes 3 each). */
  private static final int MAX_LENGTH = 80;

  private FileName() {
  }

  /**
   * @param filters the view's parameters but the range and paging, by name
   */
  static String of(String store, String view, String from, String to, Map<String, String> filters, ExportFormat format) {
    StringBuilder name = new StringBuilder(safe(store)).append('_').append(safe(view));
    if (from != null && to != null) {
      name.append('_').append(safe(from)).append('_').append(safe(to));
    }
    filters.forEach((key, value) -> name.append('_').append(safe(key)).append('-').append(safe(value)));
    int end = Math.min(name.length(), MAX_LENGTH);
    if (end < name.length() && Character.isHighSurrogate(name.charAt(end - 1))) {
      end--; // never half a character
    }
    String base = name.substring(0, end);
    return base + "." + format.extension();
  }

  /**
   * The header value: RFC 6266 with the UTF-8 name ({@code filename*}, RFC 8187) and an ASCII one for clients that
   * take only {@code filename}.
   *
   * @param englishName the name with the view's English name, made ASCII (any other character an underscore)
   */
  static String contentDisposition(String fileName, String englishName) {
    String ascii = englishName.replaceAll("[^A-Za-z0-9._-]", "_");
    String encoded = URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  private static String safe(String part) {
    return UNSAFE.matcher(part).replaceAll("_");
  }
}
