package dev.shears.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.package$;
import org.apache.spark.rpc.RpcEndpoint;
import org.apache.spark.rpc.RpcEnv;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * The check against stand-ins for a standalone master: Spark's own RPC server on loopback with an
 * endpoint of the master's name, with or without authentication, so every answer a master can give
 * is here in a second rather than a cluster's start.
 */
class MasterCheckTest {

    private static final String SECRET = "s3cr3t-of-the-cluster";

    /** Spark's RPC server with an endpoint named {@code endpoint}, authenticating with {@code secret} unless null. */
    private static RpcEnv server(String secret, String endpoint) {
        SparkConf conf = conf(secret);
        RpcEnv env = RpcEnv.create("stand-in", "127.0.0.1", 0, conf,
                new SecurityManager(conf, Option.empty(), package$.MODULE$.AUTH_SECRET_FILE_DRIVER()), false);
        env.setupEndpoint(endpoint, new RpcEndpoint() {
            @Override
            public RpcEnv rpcEnv() {
                return env;
            }
        });
        return env;
    }

    private static SparkConf conf(String secret) {
        SparkConf conf = new SparkConf(false);
        return secret == null ? conf : conf.set("spark.authenticate", "true").set("spark.authenticate.secret", secret);
    }

    private static String url(RpcEnv server) {
        return "spark://127.0.0.1:" + server.address().port();
    }

    /** The message of the check against {@code server}, given {@code secret}; the server is stopped after. */
    private static String refusal(RpcEnv server, String url, String secret) {
        try {
            return assertThrows(BadInputException.class, () -> MasterCheck.requireReachable(url, conf(secret)))
                    .getMessage();
        } finally {
            server.shutdown();
        }
    }

    @Test
    void aMasterTakesARunWithItsSecretOrWithoutWhenItHasNone() {
        for (String secret : new String[] {SECRET, null}) {
            RpcEnv master = server(secret, "Master");
            try {
                assertDoesNotThrow(() -> MasterCheck.requireReachable(url(master), conf(secret)));
            } finally {
                master.shutdown();
            }
        }
    }

    @Test
    void aWrongSecretIsRefused() {
        RpcEnv master = server(SECRET, "Master");
        String url = url(master);
        String message = refusal(master, url, "wr0ng-s3cr3t");
        assertTrue(message.startsWith("authentication failed with the Spark master " + url), message);
        assertTrue(!message.contains(SECRET) && !message.contains("wr0ng-s3cr3t"), message);
    }

    @Test
    void aSecretForAMasterWithoutOneIsRefused() {
        RpcEnv master = server(null, "Master");
        String url = url(master);
        String message = refusal(master, url, SECRET);
        assertTrue(message.startsWith("authentication failed with the Spark master " + url), message);
    }

    @Test
    void noSecretForAMasterWithOneIsRefusedSayingItNeedsOne() {
        RpcEnv master = server(SECRET, "Master");
        String url = url(master);
        String message = refusal(master, url, null);
        assertTrue(message.startsWith("the Spark master " + url + " requires authentication"), message);
    }

    @Test
    void aSparkProcessThatIsNoMasterIsRefused() {
        RpcEnv worker = server(null, "Worker");
        String url = url(worker);
        String message = refusal(worker, url, null);
        assertTrue(message.startsWith("no Spark master at " + url), message);
    }
}
