package dev.shears.pruning.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The compiler directives are added only when asked for, and HotSpot takes them as written. */
class JitPolicyTest {

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
