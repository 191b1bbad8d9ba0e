package io.storedash.query.ingest.csv;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The rejections of one file: every one is counted, the first {@link #CAP} by line are kept, whatever order they
 * are found in (line checks run in file order, the checks across lines of an order later), so a file with a
 * million bad lines costs a bounded amount of memory.
 */
public final class RejectionList {

  public static final int CAP = 1_000;

  private final int cap;
  /** The kept rejections, the last by line on top. */
  private final PriorityQueue<Rejection> kept;
  private long total;

  public RejectionList() {
    this(CAP);
  }

  RejectionList(int cap) {
    this.cap = cap;
    this.kept = new PriorityQueue<>(Rejection.ORDER.reversed());
  }

  public void add(Rejection rejection) {
    total++;
    if (kept.size() < cap) {
      kept.add(rejection);
    } else if (Rejection.ORDER.compare(rejection, kept.peek()) < 0) {
      kept.poll();
      kept.add(rejection);
    }
  }

  public boolean isEmpty() {
    return total == 0;
  }

  /** All rejections found, including those not kept. */
  public long total() {
    return total;
  }

  /** The kept rejections, by line. */
  public List<Rejection> first() {
    List<Rejection> list = new ArrayList<>(kept);
    list.sort(Rejection.ORDER);
    return list;
  }
}
