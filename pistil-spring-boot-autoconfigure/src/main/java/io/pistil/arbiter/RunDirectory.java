package io.pistil.arbiter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.contract.RunFiles;
import io.pistil.contract.Scoreboard;

/**
 * An arbiter's run directory: the scoreboard its children share, their boot error
 * reports, and the class path they run from. It is locked while its arbiter lives, so
 * that an arbiter starting on the same machine tells a dead arbiter's directory (which it
 * removes) from a live one's, even in a temporary directory shared between containers
 * whose pids mean nothing to each other.
 */
final class RunDirectory implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RunDirectory.class);

	static final String PREFIX = "pistil-";

	/**
	 * The run directories that arbiters of this JVM hold. A lock is the process's:
	 * closing any descriptor of a locked file releases it, so a sweep never opens these.
	 */
	private static final Set<Path> heldHere = ConcurrentHashMap.newKeySet();

	private final Path path;

	private final FileChannel lockFile;

	private final Scoreboard scoreboard;

	private RunDirectory(Path path, FileChannel lockFile, Scoreboard scoreboard) {
		this.path = path;
		this.lockFile = lockFile;
		this.scoreboard = scoreboard;
	}

	/**
	 * Creates and locks a run directory. The scoreboard comes last: a directory without
	 * one is still being made, and no sweep touches it.
	 * @param parent where to create it
	 * @param pid the arbiter's pid, in the directory's name for people who look
	 * @param slots the scoreboard's capacity
	 * @return the directory
	 * @throws RunDirectoryException if it cannot be made; nothing is left behind then
	 */
	static RunDirectory create(Path parent, long pid, int slots) {
		Path path = null;
		FileChannel lockFile = null;
		try {
			path = Files.createTempDirectory(parent, PREFIX + pid + "-");
			lockFile = FileChannel.open(RunFiles.lock(path), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
			lockFile.lock();
			heldHere.add(path);
			return new RunDirectory(path, lockFile, Scoreboard.create(RunFiles.scoreboard(path), slots));
		}
		catch (IOException | UncheckedIOException | OverlappingFileLockException ex) {
			closeQuietly(lockFile);
			if (path != null) {
				heldHere.remove(path);
				deleteTree(path);
			}
			throw new RunDirectoryException(parent, ex);
		}
	}

	/**
	 * Removes the run directories that dead arbiters left (one killed by SIGKILL cannot
	 * remove its own): those whose lock nobody holds.
	 * @param parent where run directories are made
	 */
	static void sweep(Path parent) {
		try (Stream<Path> entries = Files.list(parent)) {
			entries.filter((entry) -> entry.getFileName().toString().startsWith(PREFIX))
				.filter((entry) -> !heldHere.contains(entry) && Files.isRegularFile(RunFiles.scoreboard(entry))
						&& Files.isRegularFile(RunFiles.lock(entry)))
				.forEach(RunDirectory::deleteIfAbandoned);
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("pistil: cannot look for the run directories of dead arbiters in " + parent + ": " + ex);
		}
	}

	private static void deleteIfAbandoned(Path directory) {
		try (FileChannel lockFile = FileChannel.open(RunFiles.lock(directory), StandardOpenOption.WRITE)) {
			FileLock lock = lockFile.tryLock();
			if (lock != null) {
				logger.info("pistil: removing " + directory + ", which a dead arbiter left");
				deleteTree(directory);
			}
		}
		catch (IOException | OverlappingFileLockException ex) {
			// Gone meanwhile, or not ours to open: leave it.
		}
	}

	Path path() {
		return this.path;
	}

	Scoreboard scoreboard() {
		return this.scoreboard;
	}

	/**
	 * Takes the boot error a worker left.
	 * @param pid the worker's pid
	 * @return its error, or empty
	 */
	Optional<String> takeBootError(long pid) {
		return RunFiles.takeBootError(this.path, pid);
	}

	/** Removes the directory, then lets its lock go. */
	@Override
	public void close() {
		deleteTree(this.path);
		closeQuietly(this.lockFile);
		heldHere.remove(this.path);
	}

	private static void deleteTree(Path directory) {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("pistil: cannot delete " + directory + ": " + ex);
		}
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// The lock goes with the descriptor.
			}
		}
	}

}
