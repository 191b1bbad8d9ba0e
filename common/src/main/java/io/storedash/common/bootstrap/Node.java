package io.storedash.common.bootstrap;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storedash.common.Addresses;
import io.storedash.common.cluster.ClusterMembership;
import io.storedash.common.cluster.GuardedMembers;
import io.storedash.common.cluster.MemberHandshake;
import io.storedash.common.cluster.OwnedHazelcastClusterManager;
import io.storedash.common.config.ClusterSecurity;
import io.storedash.common.config.ConfigException;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.security.ClusterKeys;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One StoreDash process: a Vert.x instance (clustered over Hazelcast, or local for standalone), its metrics
 * registry, its management server ({@code /health/live}, {@code /health/ready}, {@code /metrics}), the services
 * deployed in it and their heartbeats, and the graceful shutdown that ends them.
 */
public final class Node {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  /** The member attribute that holds a Vert.x node's id (vertx-hazelcast's {@code HazelcastClusterManager}). */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private final Vertx vertx;
  private final StoreDashConfig config;
  private final PrometheusMeterRegistry meterRegistry;
  private final String nodeId;
  private final ClusterKeys keys;
  private final MessageSignatures signatures;
  private final HealthChecks liveness;
  private final HealthChecks readiness;
  private final long startedAt = System.currentTimeMillis();
  private final List<Deployment> deployments = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean draining;
  private ManagementServer management;

  private record Deployment(String id, ServiceContext context, long heartbeatTimer) {
  }

  private Node(Vertx vertx, StoreDashConfig config, PrometheusMeterRegistry meterRegistry, String nodeId,
               ClusterKeys keys) {
    this.vertx = vertx;
    this.keys = keys;
    this.signatures = MessageSignatures.of(keys, nodeId, meterRegistry);
    this.config = config;
    this.meterRegistry = meterRegistry;
    this.nodeId = nodeId;
    this.liveness = HealthChecks.create(vertx);
    this.readiness = HealthChecks.create(vertx);
    // Live means the event loop still runs handlers: a blocked loop makes this probe time out.
    liveness.register("event-loop", 1000, promise -> promise.complete(Status.OK()));
    // A service that just started watching heartbeats need not wait a whole interval to see this node.
    vertx.eventBus().consumer(Addresses.HEARTBEAT_REQUEST, signatures.verified(Addresses.HEARTBEAT_REQUEST, msg -> {
      synchronized (deployments) {
        deployments.forEach(d -> publishHeartbeat(d.context()));
      }
    }));
    readiness.register("accepting-requests", 1000, promise ->
      promise.complete(draining ? Status.KO(new JsonObject().put("reason", "shutting down")) : Status.OK()));
  }

  /**
   * A process that joins the StoreDash cluster described by the configuration, proving its membership on both
   * channels (docs/DESIGN.md §11.2): every Hazelcast connection opens with the {@link MemberHandshake} keyed from
   * CLUSTER_SECRET, and the event bus is mutual TLS with EVENTBUS_TLS_CERT/KEY/CA on EVENTBUS_PORT. Fails without
   * them: a clustered node never runs open.
   */
  public static Future<Node> clustered(StoreDashConfig config) {
    ClusterSecurity security = config.security();
    if (security.secret().isEmpty() || security.tls().isEmpty()) {
      return Future.failedFuture(new ConfigException(List.of(missingMembershipProof(security))));
    }
    ClusterKeys keys = ClusterKeys.of(security.secret().get());
    PrometheusMeterRegistry registry = newRegistry();
    // Both series exist from the start (at 0), so a rate over them is defined before the first refusal.
    Map<MemberHandshake.Side, Counter> refused = new EnumMap<>(MemberHandshake.Side.class);
    for (MemberHandshake.Side side : MemberHandshake.Side.values()) {
      refused.put(side, Counter.builder("storedash.cluster.handshake.refused")
        .description("Hazelcast connections refused by the member handshake (docs/DESIGN.md §11.2)")
        .tag("side", side.label()).register(registry));
    }
    MemberHandshake handshake = new MemberHandshake(keys, refusal -> refused.get(refusal.side()).increment());
    String host = advertisedHost(config);
    VertxOptions options = new VertxOptions()
      .setMetricsOptions(metricsOptions())
      .setEventBusOptions(eventBusOptions(host, security));
    long started = System.nanoTime();
    return GuardedMembers.start(hazelcastConfig(config), handshake).compose(instance -> {
      OwnedHazelcastClusterManager clusterManager = new OwnedHazelcastClusterManager(instance);
      return Vertx.builder()
        .with(options)
        .withClusterManager(clusterManager)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .buildClustered()
        .recover(e -> {
          stopInBackground(instance);
          return Future.failedFuture(new IllegalStateException("the event bus did not start (EVENTBUS_TLS_CERT, "
            + "EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA, EVENTBUS_PORT): " + e.getMessage(), e));
        })
        .map(vertx -> {
          String nodeId = clusterManager.getNodeId();
          LOG.info("node {} joined cluster '{}' with {} member(s) in {} ms", nodeId, config.clusterName(),
            clusterManager.getNodes().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
          Node node = new Node(vertx, config, registry, nodeId, keys);
          ClusterMembership membership = new ClusterMembership(instance);
          node.readiness.register("cluster-membership", 1000, promise -> promise.complete(membership.status()));
          return node;
        });
    });
  }

  private static String missingMembershipProof(ClusterSecurity security) {
    List<String> missing = new ArrayList<>();
    if (security.secret().isEmpty()) {
      missing.add("CLUSTER_SECRET");
    }
    if (security.tls().isEmpty()) {
      missing.add("EVENTBUS_TLS_CERT, EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA");
    }
    return String.join(" and ", missing) + ": a clustered node needs the cluster's secret and its event-bus "
      + "certificates; make a throw-away set with scripts/make-certs.sh and openssl rand -hex 32 (docs/OPERATIONS.md, "
      + "'Locking the cluster')";
  }

  /**
   * The event bus as mutual TLS: this member's certificate for both directions, only certificates signed by the
   * cluster's CA trusted, a client certificate required. Vert.x's event-bus client verifies no host name (every
   * member's certificate from the one private CA is as good as another's, docs/DESIGN.md §11.2).
   */
  static EventBusOptions eventBusOptions(String host, ClusterSecurity security) {
    ClusterSecurity.EventBusTls tls = security.tls().orElseThrow();
    return new EventBusOptions()
      .setHost(host)
      .setClusterPublicHost(host)
      .setPort(security.eventBusPort())
      .setSsl(true)
      .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString()).setKeyPath(tls.key().toString()))
      .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()))
      .setClientAuth(ClientAuth.REQUIRED)
      // Both ends are StoreDash on the same Java: no reason to offer anything older.
      .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"));
  }

  /** Ends a member whose Vert.x did not start, without blocking the thread that learned of it. */
  private static void stopInBackground(HazelcastInstance instance) {
    Thread stop = new Thread(instance.getLifecycleService()::shutdown, "storedash-hazelcast-stop");
    stop.setDaemon(true);
    stop.start();
  }

  /** A process whose services talk over the local event bus only: the standalone mode. */
  public static Node local(StoreDashConfig config) {
    PrometheusMeterRegistry registry = newRegistry();
    Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(metricsOptions()))
      .withMetrics(new MicrometerMetricsFactory(registry))
      .build();
    String nodeId = "standalone-" + UUID.randomUUID().toString().substring(0, 8);
    ClusterKeys keys = config.security().secret().map(ClusterKeys::of).orElseGet(ClusterKeys::random);
    return new Node(vertx, config, registry, nodeId, keys);
  }

  /**
   * No common tags: Prometheus labels every series with the address it scraped ({@code instance}) and its job. A
   * tag of our own named {@code instance} became {@code exported_instance} and changed with every restart (host:pid).
   */
  static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  static MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      // Histogram buckets, so Prometheus can compute p99 over any set of instances.
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true));
  }

  /**
   * The address other nodes reach this one at: CLUSTER_HOST, or with {@code auto} (containers, Kubernetes) the
   * first site-local address of this machine.
   */
  static String advertisedHost(StoreDashConfig config) {
    if (!StoreDashConfig.AUTO_HOST.equals(config.clusterHost())) {
      return config.clusterHost();
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp() && !nic.isLoopback()) {
          for (InetAddress address : Collections.list(nic.getInetAddresses())) {
            if (address instanceof Inet4Address) {
              return address.getHostAddress();
            }
          }
        }
      }
      return InetAddress.getLocalHost().getHostAddress();
    } catch (IOException e) {
      throw new UncheckedIOException("CLUSTER_HOST=auto: cannot find this machine's address", e);
    }
  }

  static Config hazelcastConfig(StoreDashConfig config) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(config.clusterName());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // Vert.x leaves the cluster itself during a graceful shutdown; Hazelcast must not race it.
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A loopback cluster forms in about 2 s instead of 7 s.
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    // A member that was killed is dropped after 10 s, so its event-bus handlers stop receiving messages.
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "2");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    // After a network partition heals, the smaller side merges back within seconds, not the default 5 minutes
    // (Vert.x then republishes its event-bus registrations).
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(config.clusterPort()).setPortAutoIncrement(true).setPortCount(20);
    String host = advertisedHost(config);
    if (host.matches("[0-9.]+")) {
      network.getInterfaces().setEnabled(true).addInterface(host);
      hz.setProperty("hazelcast.local.localAddress", host);
      // Bind the address that is advertised, not every interface: members on one machine with their own loopback
      // addresses can then share CLUSTER_PORT, as members in containers and pods do.
      hz.setProperty("hazelcast.socket.bind.any", "false");
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    config.clusterServiceDns().ifPresentOrElse(
      // Hazelcast's Kubernetes discovery in DNS-lookup mode: every address the name resolves to is a member on
      // CLUSTER_PORT. A headless Service (Kubernetes) or a network alias shared by all services (compose) gives
      // one address per running instance, so scaling any service needs no change to the others.
      dns -> {
        join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", dns)
          .setProperty("service-port", String.valueOf(config.clusterPort()));
        // Discovery polls the name until it yields another member, for at most this long; the first member of a
        // new cluster waits it out alone. Zero would make every node start its own cluster.
        hz.setProperty("hazelcast.wait.seconds.before.join", "5");
      },
      () -> join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(config.clusterMembers())));
    return hz;
  }

  public Vertx vertx() {
    return vertx;
  }

  public StoreDashConfig config() {
    return config;
  }

  public PrometheusMeterRegistry meterRegistry() {
    return meterRegistry;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The keys this process shares with the other members of its cluster (docs/DESIGN.md §11). */
  public ClusterKeys keys() {
    return keys;
  }

  /** Signs this process's state-changing messages and checks those it receives (docs/DESIGN.md §11.3). */
  public MessageSignatures signatures() {
    return signatures;
  }

  /**
   * The members of the cluster now, node id → the host:port it joined Hazelcast from (empty on the local event bus):
   * what monitor-service compares with the nodes that send signed heartbeats. Every Hazelcast member is listed, also
   * one that runs no Vert.x (which Vert.x's own node list leaves out): it is named {@code hazelcast-<member uuid>}.
   */
  public Map<String, String> clusterMembers() {
    ClusterManager clusterManager = ((VertxInternal) vertx).clusterManager();
    Map<String, String> members = new LinkedHashMap<>();
    if (clusterManager instanceof HazelcastClusterManager hazelcast && hazelcast.getHazelcastInstance() != null) {
      hazelcast.getHazelcastInstance().getCluster().getMembers().forEach(member -> {
        // The attribute vertx-hazelcast gives every member it starts: its Vert.x node id.
        String vertxNode = member.getAttribute(VERTX_NODE_ID);
        members.put(vertxNode != null ? vertxNode : "hazelcast-" + member.getUuid(),
          member.getAddress().getHost() + ":" + member.getAddress().getPort());
      });
    } else if (clusterManager != null) {
      clusterManager.getNodes().forEach(id -> members.put(id, null));
    }
    return members;
  }

  boolean draining() {
    return draining;
  }

  Duration shutdownGrace() {
    return config.requestTimeout().plusSeconds(1);
  }

  void readinessCheck(String name, Handler<Promise<Status>> check) {
    readiness.register(name, config.requestTimeout().toMillis(), check);
  }

  /** Deploys {@code instances} instances of a service and starts its heartbeat. */
  public Future<String> deploy(ServiceDescriptor service, int instances) {
    ServiceContext context = new ServiceContext(this, service.name());
    return vertx.deployVerticle(() -> service.verticle().apply(context), new DeploymentOptions().setInstances(instances))
      .map(id -> {
        long timer = vertx.setPeriodic(1, config.heartbeatInterval().toMillis(), t -> publishHeartbeat(context));
        deployments.add(new Deployment(id, context, timer));
        LOG.info("service {} deployed on node {} ({} instance(s))", service.name(), nodeId, instances);
        return id;
      });
  }

  private void publishHeartbeat(ServiceContext context) {
    JsonObject heartbeat = new JsonObject()
      .put("service", context.service())
      .put("node", nodeId)
      .put("version", version())
      .put("uptime_ms", System.currentTimeMillis() - startedAt)
      .put("interval_ms", config.heartbeatInterval().toMillis())
      .put("draining", draining)
      .put("system", SystemFigures.now())
      .put("stats", context.stats());
    vertx.eventBus().publish(Addresses.HEARTBEAT, heartbeat, signatures.sign(Addresses.HEARTBEAT, heartbeat));
  }

  /**
   * Adds {@code /health/live}, {@code /health/ready} (every check with its data) and {@code /metrics} of this node
   * to the management server's router.
   */
  void mountProbes(Router router) {
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(meterRegistry));
  }

  /**
   * The probes for a public port: {@code /health/live} and {@code /health/ready} answer {@code {"status": "UP"}}
   * (200) or {@code {"status": "DOWN"}} (503) and nothing else, because their checks name hosts, instances and
   * dependency errors that only operators should see (they are on the management port); {@code /metrics} is served
   * only once {@code metricsGuard} lets the request through.
   */
  void mountPublicProbes(Router router, Handler<RoutingContext> metricsGuard) {
    router.get("/health/live").handler(rc -> statusOnly(rc, liveness));
    router.get("/health/ready").handler(rc -> statusOnly(rc, readiness));
    router.get("/metrics").handler(metricsGuard).handler(PrometheusScrapingHandler.create(meterRegistry));
  }

  private static void statusOnly(RoutingContext rc, HealthChecks checks) {
    checks.checkStatus().onComplete(ar -> {
      boolean up = ar.succeeded() && ar.result().getUp();
      rc.response().setStatusCode(up ? 200 : 503)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("status", up ? "UP" : "DOWN").encode());
    });
  }

  /**
   * Starts the management server on MANAGEMENT_HOST (127.0.0.1 by default) and {@code port}; port 0 picks a free
   * port. Completes with the port it listens on.
   */
  public Future<Integer> startManagement(int port) {
    Router router = Router.router(vertx);
    mountProbes(router);
    return ManagementServer.start(vertx, config, meterRegistry, router, port)
      .map(server -> {
        management = server;
        LOG.info("management server of node {} on {}:{}", nodeId, config.limits().managementHost(), server.port());
        return server.port();
      });
  }

  /**
   * Graceful shutdown: readiness turns DOWN, every service stops taking requests and finishes those in flight
   * (each verticle's {@code stop()}), then the node leaves the cluster.
   */
  public Future<Void> shutdown() {
    draining = true;
    List<Deployment> reversed = new ArrayList<>(deployments);
    Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (Deployment deployment : reversed) {
      chain = chain.compose(v -> {
        vertx.cancelTimer(deployment.heartbeatTimer());
        return vertx.undeploy(deployment.id())
          .onFailure(e -> LOG.warn("undeploying {} failed: {}", deployment.context().service(), e.getMessage()))
          .otherwiseEmpty()
          .mapEmpty();
      });
    }
    return chain
      .compose(v -> management == null ? Future.<Void>succeededFuture() : management.close())
      .eventually(() -> vertx.close())
      .onComplete(ar -> LOG.info("node {} stopped", nodeId));
  }

  /** Runs {@link #shutdown()} when the JVM is asked to stop (SIGTERM, Ctrl-C), waiting for it to finish. */
  public void shutdownOnSignal() {
    shutdownOnSignal(() -> { });
  }

  /** As {@link #shutdownOnSignal()}, then runs {@code afterwards} (e.g. stopping embedded servers). */
  public void shutdownOnSignal(Runnable afterwards) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("node {} shutting down", nodeId);
      CountDownLatch done = new CountDownLatch(1);
      shutdown().onComplete(ar -> done.countDown());
      try {
        if (!done.await(shutdownGrace().toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
          LOG.warn("node {} did not stop within the grace period", nodeId);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      afterwards.run();
    }, "storedash-shutdown"));
  }

  /** The StoreDash version from the jar manifest, or {@code dev} when run from classes. */
  public static String version() {
    String v = Node.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
