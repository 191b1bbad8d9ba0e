package io.storedash.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadtest serve-constant}: a trivial HTTP server on loopback answering every request with the same bytes
 * and {@code X-Cache: L4}. It measures what the load generator can drive on a machine, and is the bare baseline
 * {@code scripts/bench.sh} measures the gateway against in the same run ({@code --bytes 3072 --event-loops 2}: 3 KB
 * of JSON from memory on two event loops, nothing else; docs/DESIGN.md §12.1).
 */
@Command(name = "serve-constant", mixinStandardHelpOptions = true,
  description = "Serve a constant payload on 127.0.0.1 to calibrate the load generator (Ctrl-C to stop).")
final class ConstantPayloadServer implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8099", description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bytes", defaultValue = "1024", description = "Payload size in bytes (default: ${DEFAULT-VALUE}).")
  int bytes;

  @Option(names = "--event-loops", defaultValue = "1", description = "Server event loops (default: ${DEFAULT-VALUE}).")
  int eventLoops;

  @Override
  public Integer call() throws InterruptedException {
    char[] body = new char[Math.max(2, bytes)];
    Arrays.fill(body, 'x');
    body[0] = '"';
    body[body.length - 1] = '"';
    Buffer payload = Buffer.buffer(new String(body));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    HttpServer[] servers = new HttpServer[eventLoops];
    for (int i = 0; i < eventLoops; i++) {
      servers[i] = vertx.createHttpServer().requestHandler(req -> req.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Cache", "L4")
        .end(payload));
      servers[i].listen(port, "127.0.0.1").await();
    }
    System.out.println("serving " + payload.length() + " bytes on http://127.0.0.1:" + port + "/ with "
      + eventLoops + " event loop(s); Ctrl-C to stop");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().await();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
