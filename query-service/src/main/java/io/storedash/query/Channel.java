package io.storedash.query;

import java.util.Locale;

/** A sales channel; {@link #id()} is the value stored in PostgreSQL (table {@code channels}), {@link #code()} the JSON name. */
public enum Channel {
  MEITUAN(1, "meituan", "美团"),
  ELEME(2, "eleme", "饿了么"),
  JDDJ(3, "jddj", "京东到家"),
  OFFLINE(4, "offline", "线下");

  private final short id;
  private final String code;
  private final String nameZh;

  Channel(int id, String code, String nameZh) {
    this.id = (short) id;
    this.code = code;
    this.nameZh = nameZh;
  }

  public short id() {
    return id;
  }

  public String code() {
    return code;
  }

  public String nameZh() {
    return nameZh;
  }

  public static Channel ofId(int id) {
    for (Channel channel : values()) {
      if (channel.id == id) {
        return channel;
      }
    }
    throw new IllegalArgumentException("unknown channel id " + id);
  }

  /** The channel named by its code or its Chinese name, as exports write it (美团, meituan, ...). */
  public static Channel parse(String name) {
    if (name != null) {
      String trimmed = name.trim();
      for (Channel channel : values()) {
        if (channel.code.equals(trimmed.toLowerCase(Locale.ROOT)) || channel.nameZh.equals(trimmed)) {
          return channel;
        }
      }
    }
    throw new IllegalArgumentException("channel must be one of 美团/meituan, 饿了么/eleme, 京东到家/jddj, 线下/offline, got '" + name + "'");
  }
}
