package io.storedash.standalone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Decompression bombs, built in milliseconds without compressing gigabytes: a gzip file of many members, each the
 * gzip of 1 MiB of zeros (gzip readers read all members one after the other), and a ZIP archive whose one entry is
 * a deflate stream of the same sync-flushed block repeated (every block refers only to the zeros before it). Both
 * are valid: a reader that inflates them gets {@code mebibytes} MiB of zeros.
 */
final class Bombs {

  private static final int MIB = 1 << 20;

  private Bombs() {
  }

  static byte[] gzip(int mebibytes) {
    ByteArrayOutputStream member = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(member)) {
      gz.write(new byte[MIB]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] one = member.toByteArray();
    ByteBuffer all = ByteBuffer.allocate(one.length * mebibytes);
    for (int i = 0; i < mebibytes; i++) {
      all.put(one);
    }
    return all.array();
  }

  /** A ZIP archive with one entry, {@code name}, of {@code mebibytes} MiB of zeros (at most 4095: no ZIP64). */
  static byte[] zip(String name, int mebibytes) {
    byte[] block = syncFlushedZeros();
    byte[] last = {0x03, 0x00};
    long compressed = (long) block.length * mebibytes + last.length;
    long size = (long) MIB * mebibytes;
    CRC32 crc = new CRC32();
    byte[] zeros = new byte[MIB];
    for (int i = 0; i < mebibytes; i++) {
      crc.update(zeros);
    }
    byte[] fileName = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer zip = ByteBuffer.allocate((int) (30 + fileName.length + compressed + 46 + fileName.length + 22))
      .order(ByteOrder.LITTLE_ENDIAN);
    // Local file header.
    zip.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putShort((short) 0)
      .putShort((short) 0x21).putInt((int) crc.getValue()).putInt((int) compressed).putInt((int) size)
      .putShort((short) fileName.length).putShort((short) 0).put(fileName);
    for (int i = 0; i < mebibytes; i++) {
      zip.put(block);
    }
    zip.put(last);
    int central = zip.position();
    zip.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 8)
      .putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue()).putInt((int) compressed).putInt((int) size)
      .putShort((short) fileName.length).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0)
      .putInt(0).putInt(0).put(fileName);
    int centralSize = zip.position() - central;
    zip.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
      .putInt(centralSize).putInt(central).putShort((short) 0);
    return zip.array();
  }

  /** Raw deflate of 1 MiB of zeros, ended by a sync flush so that the next copy starts on a byte boundary. */
  private static byte[] syncFlushedZeros() {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(new byte[MIB]);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    int n;
    do {
      n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
      out.write(buffer, 0, n);
    } while (n == buffer.length || !deflater.needsInput());
    deflater.end();
    return out.toByteArray();
  }
}
