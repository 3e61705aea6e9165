package dev.shears.pruning.data;

import dev.shears.pruning.BadInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/** Every file Shears reads or writes goes through here, so local paths, file:// and hdfs:// all work. */
public final class HadoopFiles {

    /** Read once: a new Configuration parses Hadoop's XML resources again on first use. */
    private static final Configuration CONF = new Configuration();
    /** Marks a file being written (see {@link #writeAtomically}). */
    private static final String TEMPORARY = ".tmp-";

    private HadoopFiles() {
    }

    public static Path path(String location) {
        return new Path(URI.create(location.replace(" ", "%20")));
    }

    public static FileSystem fs(String location) throws IOException {
        FileSystem fs = path(location).getFileSystem(CONF);
        // on local disk, the raw file system: no .crc companion files beside the user's outputs
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }

    public static boolean exists(String location) {
        try {
            return fs(location).exists(path(location));
        } catch (IOException e) {
            throw new BadInputException(location + ": cannot be reached: " + e.getMessage(), e);
        }
    }

    /** Opens a file for reading; a missing file is bad input. */
    public static InputStream open(String location) {
        try {
            FileSystem fs = fs(location);
            Path p = path(location);
            if (!fs.exists(p)) {
                throw new BadInputException(location + ": no such file");
            }
            if (fs.getFileStatus(p).isDirectory()) {
                throw new BadInputException(location + ": is a directory, a file is needed");
            }
            return new BufferedInputStream(fs.open(p), 1 << 16);
        } catch (IOException e) {
            throw new BadInputException(location + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Opens a file, transparently un-gzipping it when it starts with the gzip magic bytes. */
    public static InputStream openMaybeGzip(String location) throws IOException {
        InputStream in = open(location);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    public static byte[] readAll(String location) {
        try (InputStream in = open(location)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new BadInputException(location + ": cannot be read: " + e.getMessage(), e);
        }
    }

    public static OutputStream create(String location) throws IOException {
        return fs(location).create(path(location), true);
    }

    /**
     * Writes a whole file under a temporary name beside it, then renames it into place: a reader, or a
     * run resumed after the writer was killed, sees the complete file or none (renames are atomic on
     * local disk and HDFS). A killed write leaves only a temporary file ({@link #isTemporary}).
     */
    public static void writeAtomically(String location, byte[] bytes) throws IOException {
        FileSystem fs = fs(location);
        Path target = path(location);
        Path temp = temporaryBeside(target);
        if (fs instanceof RawLocalFileSystem local) {
            // Hadoop's local streams start a chmod process for every file and directory they create (two
            // files a trial in a search's checkpoints); Java creates them with the same default permissions
            java.nio.file.Path file = local.pathToFile(temp).toPath();
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } else {
            try (OutputStream out = fs.create(temp, true)) {
                out.write(bytes);
            }
        }
        moveIntoPlace(fs, temp, target);
    }

    /** A fresh temporary name in the directory of {@code target}, for a file or directory moved there when complete. */
    public static Path temporaryBeside(Path target) {
        return new Path(target.getParent(), "." + target.getName() + TEMPORARY + UUID.randomUUID());
    }

    /** True for the name of a file or directory written by {@link #writeAtomically} and not yet renamed. */
    public static boolean isTemporary(String name) {
        return name.startsWith(".") && name.contains(TEMPORARY);
    }

    /**
     * Renames a complete file or directory onto {@code target}, replacing what is there. What was there is
     * deleted first (a rename onto a directory would move into it, and HDFS refuses to rename onto a
     * file), so a reader in between finds nothing, never a partial file.
     */
    public static void moveIntoPlace(FileSystem fs, Path src, Path target) throws IOException {
        if (fs.exists(target)) {
            fs.delete(target, true);
        }
        if (!fs.rename(src, target)) {
            throw new IOException("cannot rename " + src + " to " + target);
        }
    }

    /** Deletes the temporary files a killed {@link #writeAtomically} left anywhere under {@code dir}. */
    public static void deleteTemporaries(FileSystem fs, Path dir) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            if (isTemporary(st.getPath().getName())) {
                fs.delete(st.getPath(), true);
            } else if (st.isDirectory()) {
                deleteTemporaries(fs, st.getPath());
            }
        }
    }

    /** Joins a directory location and a relative name. */
    public static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }
}
