package io.storedash.monitor.redis;

/**
 * One thing about Redis that ops should look at, with the figure that triggered it and the threshold it crossed.
 *
 * @param code      stable identifier, e.g. {@code memory_high}
 * @param value     the figure that triggered the alert (a number, or the policy name)
 * @param threshold the limit it was compared with; {@code null} when there is none
 */
public record RedisAlert(Level level, String code, String message, Object value, Object threshold) {

  public enum Level {
    WARNING, CRITICAL;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
