package org.heritageregistry.engine;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.ClasspathPluginsNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import org.heritageregistry.engine.analysis.HeritageAnalysisPlugin;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts a single Elasticsearch node on the loopback interface for local development and tests.
 *
 * <pre>
 * java -cp target/classes:target/lib/* org.heritageregistry.engine.EngineMain \
 *     --home DIR [--http-port 9200] [--transport-port 9300] [--cluster-name NAME] [--node-name NAME] [-E key=value ...]
 * </pre>
 *
 * Every option can also be given as a system property ({@code -Dheritage.engine.home=DIR},
 * {@code heritage.engine.http_port}, {@code heritage.engine.transport_port},
 * {@code heritage.engine.cluster_name}, {@code heritage.engine.node_name}); command-line options win.
 * The data lives in {@code DIR/data} and survives restarts.
 */
public final class EngineMain {

    /** The plugins the node loads from the classpath. */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,
        HeritageAnalysisPlugin.class,
        RootInfoPlugin.class
    );

    private EngineMain() {}

    public static void main(String[] args) {
        final Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("engine: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (Throwable t) {
            t.printStackTrace(System.err);
            Throwable cause = t;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            System.err.println("engine: the node failed to start: " + t);
            if (cause != t) {
                System.err.println("engine: root cause: " + cause);
            }
            System.err.flush();
            System.exit(1);
        }
    }

    private static void run(Options options) throws Exception {
        Path home = options.home.toAbsolutePath().normalize();
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Files.createDirectories(home.resolve("config"));

        Settings.Builder builder = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", options.clusterName)
            .put("node.name", options.nodeName)
            .put("network.host", "127.0.0.1")
            .put("http.port", options.httpPort)
            .put("transport.port", options.transportPort)
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .put("discovery.type", "single-node")
            // A development disk that is nearly full must not turn every index read-only.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // Tests delete throwaway indices with wildcards.
            .put("action.destructive_requires_name", false)
            // Start-up and warnings go to standard output (the start script sends it to the log file).
            .put("logger.level", "INFO");
        for (Map.Entry<String, String> extra : options.extraSettings.entrySet()) {
            builder.put(extra.getKey(), extra.getValue());
        }
        Settings settings = builder.build();

        LogConfigurator.configureESLogging();
        LogConfigurator.setNodeName(options.nodeName);
        LogConfigurator.setClusterName(options.clusterName);
        LogConfigurator.configureWithoutConfig(settings);

        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> options.nodeName);
        Node node = new ClasspathPluginsNode(environment, PLUGINS);

        CountDownLatch stopped = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            try {
                node.close();
                if (node.awaitClose(30, TimeUnit.SECONDS) == false) {
                    System.err.println("engine: the node did not close within 30 s");
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                e.printStackTrace(System.err);
            } finally {
                stopped.countDown();
            }
        }, "engine-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);

        try {
            node.start();
        } catch (Exception | Error e) {
            // Close here rather than in the hook so that the failure is the last thing logged.
            Runtime.getRuntime().removeShutdownHook(shutdown);
            try {
                node.close();
            } catch (IOException | RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        PrintStream out = System.out;
        out.println(
            "engine: node ["
                + options.nodeName
                + "] of cluster ["
                + options.clusterName
                + "] listening on http://127.0.0.1:"
                + options.httpPort
                + " (data in "
                + home.resolve("data")
                + ")"
        );
        out.println("engine: analysis components added: " + new HeritageAnalysisPlugin().summary());
        out.flush();
        // Keep a non-daemon thread alive until the shutdown hook has closed the node.
        stopped.await();
    }

    static final class Options {
        static final String USAGE = "usage: EngineMain --home DIR [--http-port N] [--transport-port N] "
            + "[--cluster-name NAME] [--node-name NAME] [-E key=value ...]";

        Path home;
        int httpPort;
        int transportPort;
        String clusterName;
        String nodeName;
        final Map<String, String> extraSettings = new LinkedHashMap<>();

        static Options parse(String[] args) {
            Options o = new Options();
            String home = System.getProperty("heritage.engine.home");
            String httpPort = System.getProperty("heritage.engine.http_port", "9200");
            String transportPort = System.getProperty("heritage.engine.transport_port");
            o.clusterName = System.getProperty("heritage.engine.cluster_name", "heritage-registry");
            o.nodeName = System.getProperty("heritage.engine.node_name", "heritage-engine");

            List<String> rest = new ArrayList<>(List.of(args));
            for (int i = 0; i < rest.size(); i++) {
                String arg = rest.get(i);
                String value;
                String name;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                } else if (arg.startsWith("-E") && arg.length() > 2) {
                    name = "-E";
                    value = arg.substring(2);
                } else {
                    name = arg;
                    if (i + 1 >= rest.size()) {
                        throw new IllegalArgumentException("missing value after " + arg);
                    }
                    value = rest.get(++i);
                }
                switch (name) {
                    case "--home" -> home = value;
                    case "--http-port" -> httpPort = value;
                    case "--transport-port" -> transportPort = value;
                    case "--cluster-name" -> o.clusterName = value;
                    case "--node-name" -> o.nodeName = value;
                    case "-E" -> {
                        int sep = value.indexOf('=');
                        if (sep <= 0) {
                            throw new IllegalArgumentException("-E needs key=value, got [" + value + "]");
                        }
                        o.extraSettings.put(value.substring(0, sep), value.substring(sep + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (home == null || home.isBlank()) {
                throw new IllegalArgumentException("--home (or -Dheritage.engine.home) is required");
            }
            o.home = Path.of(home);
            o.httpPort = port(httpPort, "http port");
            o.transportPort = transportPort == null ? o.httpPort + 100 : port(transportPort, "transport port");
            return o;
        }

        private static int port(String value, String what) {
            try {
                int port = Integer.parseInt(value.trim());
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException(what + " out of range: " + value);
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " is not a number: " + value);
            }
        }
    }
}
