package io.storedash.query.ingest.csv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Workbooks written by hand, part by part, for what no spreadsheet program writes: formulas with cached values, error
 * cells, sparse rows, forged sizes, cells past column XFD. {@link #sheet} takes rows of cells written as
 * {@code "A1:text"}, {@code "B1=12.5"} (a number), {@code "C1!#DIV/0!"} (an error), {@code "D1~2*1|2"} (a formula and
 * its cached number), {@code "E1?1"} (a boolean).
 */
final class RawWorkbooks {

  static final String CONTENT_TYPES = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
    <Default Extension="xml" ContentType="application/xml"/>
    <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
    <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
    <Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
    <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
    </Types>""";
  static final String ROOT_RELS = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
    </Relationships>""";
  static final String WORKBOOK_RELS = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
    <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
    <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
    </Relationships>""";

  private RawWorkbooks() {
  }

  static String workbookXml(boolean date1904, int sheets) {
    StringBuilder xml = new StringBuilder("""
      <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
      <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
      xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">""");
    if (date1904) {
      xml.append("<workbookPr date1904=\"1\"/>");
    }
    xml.append("<sheets>");
    for (int i = 1; i <= sheets; i++) {
      xml.append("<sheet name=\"Sheet").append(i).append("\" sheetId=\"").append(i).append("\" r:id=\"rId").append(i).append("\"/>");
    }
    return xml.append("</sheets></workbook>").toString();
  }

  /** A worksheet: each row is its row number and its cells. */
  static String sheet(Map<Integer, List<String>> rows) {
    StringBuilder xml = new StringBuilder("""
      <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
      <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
    for (Map.Entry<Integer, List<String>> row : rows.entrySet()) {
      xml.append("<row r=\"").append(row.getKey()).append("\">");
      for (String cell : row.getValue()) {
        xml.append(cell(cell));
      }
      xml.append("</row>");
    }
    return xml.append("</sheetData></worksheet>").toString();
  }

  private static String cell(String spec) {
    int at = 0;
    while (Character.isLetterOrDigit(spec.charAt(at))) {
      at++;
    }
    String ref = spec.substring(0, at);
    char kind = spec.charAt(at);
    String value = escape(spec.substring(at + 1));
    return switch (kind) {
      case ':' -> "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + value + "</t></is></c>";
      case '=' -> "<c r=\"" + ref + "\"><v>" + value + "</v></c>";
      case '!' -> "<c r=\"" + ref + "\" t=\"e\"><v>" + value + "</v></c>";
      case '?' -> "<c r=\"" + ref + "\" t=\"b\"><v>" + value + "</v></c>";
      case '#' -> "<c r=\"" + ref + "\" t=\"s\"><v>" + value + "</v></c>";
      case '~' -> {
        String[] parts = value.split("\\|", -1);
        String type = parts[1].startsWith("#") ? " t=\"e\"" : parts[1].matches("-?[0-9.E+]+") ? "" : " t=\"str\"";
        yield "<c r=\"" + ref + "\"" + type + "><f>" + parts[0] + "</f>" + (parts[1].isEmpty() ? "" : "<v>" + parts[1] + "</v>") + "</c>";
      }
      default -> throw new IllegalArgumentException(spec);
    };
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The parts of a valid workbook whose sheets are given (sheet1, sheet2, ...). */
  static Map<String, byte[]> parts(boolean date1904, String... sheets) {
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put("[Content_Types].xml", utf8(CONTENT_TYPES));
    parts.put("_rels/.rels", utf8(ROOT_RELS));
    parts.put("xl/workbook.xml", utf8(workbookXml(date1904, sheets.length)));
    parts.put("xl/_rels/workbook.xml.rels", utf8(WORKBOOK_RELS));
    for (int i = 0; i < sheets.length; i++) {
      parts.put("xl/worksheets/sheet" + (i + 1) + ".xml", utf8(sheets[i]));
    }
    return parts;
  }

  static byte[] zip(Map<String, byte[]> parts) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> part : parts.entrySet()) {
        zip.putNextEntry(new ZipEntry(part.getKey()));
        zip.write(part.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The archive with the uncompressed size that the central directory declares for {@code part} replaced: a forged
   * header, as a ZIP bomb has.
   */
  static byte[] forgeDeclaredSize(byte[] zip, String part, int size) {
    byte[] name = part.getBytes(StandardCharsets.UTF_8);
    for (int i = zip.length - 46; i >= 0; i--) {
      if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2) {
        int nameLength = (zip[i + 28] & 0xFF) | (zip[i + 29] & 0xFF) << 8;
        if (nameLength == name.length && new String(zip, i + 46, nameLength, StandardCharsets.UTF_8).equals(part)) {
          byte[] forged = zip.clone();
          for (int b = 0; b < 4; b++) {
            forged[i + 24 + b] = (byte) (size >>> (8 * b));
          }
          return forged;
        }
      }
    }
    throw new IllegalArgumentException("no part " + part);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
