package dev.shears.jobs.engine;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The faults tests inject, by candidate id: set in {@link #FAULTS} for trials in this JVM, or in the
 * environment variable {@code SHEARS_TEST_FAULTS} ({@code c0001=exit,c0002=throw}) for executor JVMs.
 */
public final class InjectedFaults implements TrialFault {

    /** Candidate id to fault: {@code throw}, {@code heap}, {@code off-heap} or {@code exit}. */
    public static final Map<String, String> FAULTS = new ConcurrentHashMap<>();

    private static final Map<String, String> FROM_ENVIRONMENT = parse(System.getenv("SHEARS_TEST_FAULTS"));

    private static Map<String, String> parse(String spec) {
        return spec == null || spec.isBlank() ? Map.of() : Arrays.stream(spec.split(","))
                .map(s -> s.split("=", 2)).collect(Collectors.toMap(kv -> kv[0].trim(), kv -> kv[1].trim()));
    }

    @Override
    public void inject(TrialRequest request) {
        String id = request.candidate().id();
        String fault = FAULTS.getOrDefault(id, FROM_ENVIRONMENT.get(id));
        if (fault == null) {
            return;
        }
        switch (fault) {
            case "throw" -> throw new IllegalStateException("injected fault in " + id);
            // more than the whole heap at once: a real "Java heap space" error, without starving other threads first
            case "heap" -> {
                long[] hog = new long[(int) Math.min(Integer.MAX_VALUE - 16L, Runtime.getRuntime().maxMemory() / 8 + 1)];
                hog[hog.length - 1] = 1;
            }
            // 4 TiB of native memory, uninitialised so that nothing is written if it were granted
            case "off-heap" -> Nd4j.createUninitialized(DataType.FLOAT, 1L << 40).putScalar(0, 1f);
            case "exit" -> System.exit(3);
            default -> throw new IllegalArgumentException("unknown injected fault '" + fault + "'");
        }
    }
}
