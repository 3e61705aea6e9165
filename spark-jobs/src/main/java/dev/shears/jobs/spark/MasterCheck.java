package dev.shears.jobs.spark;

import dev.shears.pruning.BadInputException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;

/**
 * Checks, before any work starts, that the standalone master a run is submitted to answers.
 * Without this, a master that is down or a wrong URL costs a minute of silent registration
 * retries, after which Spark stops the context underneath the run.
 */
public final class MasterCheck {

    private static final int DEFAULT_PORT = 7077;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private MasterCheck() {
    }

    /**
     * Fails with bad input naming the master when none of the masters a {@code spark://} URL
     * names accepts a connection; other masters (local, YARN, Kubernetes) are left to Spark.
     *
     * @param master the run's master URL; null means the one spark-submit set
     */
    public static void requireReachable(String master) {
        String url = master != null ? master : new SparkConf().get("spark.master", "local[*]");
        List<InetSocketAddress> addresses = addresses(url);
        List<String> failures = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            try (Socket socket = new Socket()) {
                socket.connect(address, CONNECT_TIMEOUT_MS);
                return;
            } catch (IOException e) {
                failures.add(address.getHostString() + ":" + address.getPort() + ": " + e.getMessage());
            }
        }
        if (!addresses.isEmpty()) {
            throw new BadInputException("cannot reach the Spark master " + url + " (" + String.join("; ", failures)
                    + "); is the master running and the URL right?");
        }
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
