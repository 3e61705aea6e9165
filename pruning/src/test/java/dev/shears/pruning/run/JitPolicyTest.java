package dev.shears.pruning.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The compiler directives are added only when asked for, and HotSpot takes them as written. */
class JitPolicyTest {

    /** HotSpot ignores a directive whose method does not exist: a rename must not drop one silently. */
    @Test
    void everyMethodKeptWithC1Exists() throws ClassNotFoundException {
        for (String method : JitPolicy.C1_ONLY) {
            int dot = method.lastIndexOf('.');
            Class<?> owner = Class.forName(method.substring(0, dot).replace('/', '.'));
            String name = method.substring(dot + 1);
            assertTrue(Arrays.stream(owner.getDeclaredMethods()).anyMatch(m -> m.getName().equals(name)),
                    method + " names no method");
        }
    }

    @Test
    void directivesAreAddedOnlyWhenAskedForAndHotSpotAcceptsThem() {
        String before = System.getProperty(JitPolicy.PROPERTY);
        try {
            System.clearProperty(JitPolicy.PROPERTY);
            assertFalse(JitPolicy.apply());
            System.setProperty(JitPolicy.PROPERTY, "something-else");
            assertFalse(JitPolicy.apply());
            System.setProperty(JitPolicy.PROPERTY, JitPolicy.SHEARS_ONLY);
            assertTrue(JitPolicy.apply(), "HotSpot refused the directives");
            assertTrue(JitPolicy.apply());
        } finally {
            if (before == null) {
                System.clearProperty(JitPolicy.PROPERTY);
            } else {
                System.setProperty(JitPolicy.PROPERTY, before);
            }
        }
    }
}
