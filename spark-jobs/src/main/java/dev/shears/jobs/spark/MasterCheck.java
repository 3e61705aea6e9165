package dev.shears.jobs.spark;

import dev.shears.pruning.BadInputException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.package$;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcEndpointNotFoundException;
import org.apache.spark.rpc.RpcEnv;
import scala.Option;

/**
 * Checks, before any work starts, that the standalone master a run is submitted to answers, and
 * takes the run: with its secret when authentication is on. Without this, a master that is down, a
 * wrong URL or a wrong or missing secret costs a minute of registration retries, after which Spark
 * stops the context underneath the run.
 */
public final class MasterCheck {

    private static final int DEFAULT_PORT = 7077;
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /** The standalone master's RPC endpoint (Master.ENDPOINT_NAME). */
    private static final String MASTER_ENDPOINT = "Master";
    /** A master that takes the connection but does not answer is not waited for as long as Spark would. */
    private static final String LOOKUP_TIMEOUT = "30s";
    /** Spark's network classes log a refused connection with stack traces; here it is one line of bad input. */
    private static final String NETWORK_LOGGERS = "org.apache.spark.network";

    private MasterCheck() {
    }

    /**
     * Fails with bad input naming the master when none of the masters a {@code spark://} URL
     * names accepts a connection, or when the first that does refuses the run ({@link #requireAccepted});
     * other masters (local, YARN, Kubernetes) are left to Spark.
     *
     * @param master the run's master URL; null means the one spark-submit set
     * @param conf   the run's Spark configuration ({@link SparkSessions#conf}): whether it authenticates, and with what
     */
    public static void requireReachable(String master, SparkConf conf) {
        String url = master != null ? master : conf.get("spark.master", "local[*]");
        List<InetSocketAddress> addresses = addresses(url);
        List<String> failures = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            try (Socket socket = new Socket()) {
                socket.connect(address, CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                failures.add(address.getHostString() + ":" + address.getPort() + ": " + e.getMessage());
                continue;
            }
            requireAccepted(url, address, conf);
            return;
        }
        if (!addresses.isEmpty()) {
            throw new BadInputException("cannot reach the Spark master " + url + " (" + String.join("; ", failures)
                    + "); is the master running and the URL right?");
        }
    }

    /**
     * Looks the master up as the driver does first, through Spark's own RPC and, with
     * spark.authenticate on, its authentication handshake; fails with bad input when the master does
     * not take the connection: it holds another secret, or has none where the run has one, or has one
     * where the run has none, or no Spark master listens there.
     */
    static void requireAccepted(String url, InetSocketAddress master, SparkConf conf) {
        boolean authenticate = conf.getBoolean("spark.authenticate", false);
        if (authenticate && !conf.contains("spark.authenticate.secret")) {
            throw new BadInputException("spark.authenticate is on but there is no secret for the Spark master " + url
                    + ": set " + SharedSecret.ENV + " or " + SharedSecret.FILE_ENV);
        }
        // the first of Spark's classes to run here: keep them to warnings, as the session will
        SparkSessions.quietSparkLogs();
        SparkConf probe = conf.clone().set("spark.rpc.lookupTimeout", LOOKUP_TIMEOUT);
        // the security settings the driver's own RPC gets (SparkEnv.createDriverEnv)
        SecurityManager security = new SecurityManager(probe, Option.empty(),
                package$.MODULE$.AUTH_SECRET_FILE_DRIVER());
        LoggerConfig network = ((LoggerContext) LogManager.getContext(false)).getConfiguration()
                .getLoggerConfig(NETWORK_LOGGERS);
        Level configured = network.getName().equals(NETWORK_LOGGERS) ? network.getExplicitLevel() : null;
        Configurator.setLevel(NETWORK_LOGGERS, Level.OFF);
        RpcEnv rpc = RpcEnv.create("shears-master-check", "localhost", 0, probe, security, true);
        try {
            rpc.setupEndpointRef(new RpcAddress(master.getHostString(), master.getPort()), MASTER_ENDPOINT);
        } catch (Exception e) {
            throw new BadInputException(refusal(url, authenticate, e));
        } finally {
            rpc.shutdown();
            rpc.awaitTermination();
            // null: no level of their own again, their parent's as before
            Configurator.setLevel(NETWORK_LOGGERS, configured);
        }
    }

    private static String refusal(String url, boolean authenticate, Exception e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (root instanceof RpcEndpointNotFoundException) {
            return "no Spark master at " + url + ": something else answers there (a worker?)";
        }
        if (authenticate) {
            // a failed handshake says no more than that the connection closed
            return "authentication failed with the Spark master " + url + ": it does not accept "
                    + SharedSecret.source(System.getenv()) + " (a cluster started with another secret, or without one)";
        }
        String reason = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        if (reason.contains("SASL")) {
            return "the Spark master " + url + " requires authentication: give its secret in $" + SharedSecret.FILE_ENV
                    + " (a file) or $" + SharedSecret.ENV;
        }
        return "the Spark master " + url + " did not answer as one: " + reason;
    }

    /** Host and port of every master of a {@code spark://} URL (several for high availability); none for other URLs. */
    static List<InetSocketAddress> addresses(String url) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (!url.startsWith("spark://")) {
            return out;
        }
        for (String hostPort : url.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            int port = DEFAULT_PORT;
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(hostPort.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new BadInputException("--master " + url + ": '" + hostPort.substring(colon + 1) + "' is not a port");
                }
            }
            out.add(new InetSocketAddress(host, port));
        }
        return out;
    }
}
