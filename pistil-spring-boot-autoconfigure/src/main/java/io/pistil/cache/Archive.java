package io.pistil.cache;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * One archive of the cache and its manifest, which records the archive's size and hash: a
 * truncated archive crashes some JVMs (JDK 17 with SIGBUS), and a corrupted one goes
 * unnoticed by the JVM, so an archive is only used once it matches its manifest.
 */
final class Archive {

	private final Path file;

	private final Path manifest;

	private final Path lockFile;

	private volatile ArchiveState state = ArchiveState.TRAINING;

	private volatile long size;

	private volatile long modified;

	Archive(Path directory, String key, ArchiveKind kind) {
		this.file = directory.resolve(key + "." + kind.extension());
		this.manifest = directory.resolve(key + ".manifest");
		this.lockFile = directory.resolve(key + ".lock");
	}

	Path file() {
		return this.file;
	}

	Path lockFile() {
		return this.lockFile;
	}

	ArchiveState state() {
		return this.state;
	}

	String megabytes() {
		return String.format("%.1f MB", this.size / 1e6);
	}

	/**
	 * Checks the archive against its manifest, and makes it ready if they match.
	 * @return whether it is ready
	 */
	boolean verify() {
		try {
			if (!Files.isRegularFile(this.manifest) || !Files.isRegularFile(this.file)) {
				return false;
			}
			Properties recorded = new Properties();
			try (Reader reader = Files.newBufferedReader(this.manifest, StandardCharsets.UTF_8)) {
				recorded.load(reader);
			}
			long size = Files.size(this.file);
			if (!String.valueOf(size).equals(recorded.getProperty("size"))
					|| !Digests.of(this.file).equals(recorded.getProperty("sha256"))) {
				return false;
			}
			ready(size);
			return true;
		}
		catch (IOException | UncheckedIOException ex) {
			return false;
		}
	}

	/**
	 * Publishes a checked archive under its name, manifest last.
	 * @param made the archive, written under another name
	 * @param description what made it, for people
	 */
	void publish(Path made, String description) throws IOException {
		long size = Files.size(made);
		Properties manifest = new Properties();
		manifest.setProperty("size", String.valueOf(size));
		manifest.setProperty("sha256", Digests.of(made));
		manifest.setProperty("made-by", description);
		Path madeManifest = made.resolveSibling(made.getFileName() + ".manifest");
		try (Writer writer = Files.newBufferedWriter(madeManifest, StandardCharsets.UTF_8)) {
			manifest.store(writer, "pistil start-up cache: the archive is used only while it matches");
		}
		for (Path file : new Path[] { made, madeManifest }) {
			// Workers that run as another user map it too.
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
		}
		Files.deleteIfExists(this.manifest);
		Files.move(made, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		Files.move(madeManifest, this.manifest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		ready(size);
	}

	private void ready(long size) throws IOException {
		this.size = size;
		this.modified = Files.getLastModifiedTime(this.file).toMillis();
		this.state = ArchiveState.READY;
	}

	/**
	 * Whether the archive is still the one checked: a stat, not a hash, before each use.
	 */
	boolean unchangedOnDisk() {
		try {
			return Files.size(this.file) == this.size
					&& Files.getLastModifiedTime(this.file).toMillis() == this.modified;
		}
		catch (IOException ex) {
			return false;
		}
	}

	void fail() {
		this.state = ArchiveState.FAILED;
	}

	/** Removes the archive, manifest first, so that no arbiter takes it up again. */
	void discard() {
		this.state = ArchiveState.DISCARDED;
		try {
			Files.deleteIfExists(this.manifest);
			Files.deleteIfExists(this.file);
		}
		catch (IOException ex) {
			// Without its manifest, the archive is never used.
		}
	}

}
