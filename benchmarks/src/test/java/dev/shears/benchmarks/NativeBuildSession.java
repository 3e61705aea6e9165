package dev.shears.benchmarks;

import dev.shears.pruning.run.NativeBuild;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Chooses ND4J's native build before any test loads ND4J, as the command line does (registered in META-INF/services). */
public final class NativeBuildSession implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeBuild.select();
    }
}
