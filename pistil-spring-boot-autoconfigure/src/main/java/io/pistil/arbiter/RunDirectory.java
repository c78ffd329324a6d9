package io.pistil.arbiter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Map;
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
 * reports, and the class path they run from. It is private to the arbiter's user. A pool
 * whose children run as another user gets a directory of its own inside, owned by that
 * user, with a scoreboard of its own: its workers reach neither the other pools' slots
 * nor the arbiter's files. The run directory then lets other users cross it (never list
 * it) to reach their directory and the class path. It is locked while its arbiter lives,
 * so that an arbiter starting on the same machine tells a dead arbiter's directory (which
 * it removes) from a live one's, even in a temporary directory shared between containers
 * whose pids mean nothing to each other.
 */
final class RunDirectory implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RunDirectory.class);

	static final String PREFIX = "pistil-";

	/** Where an executable jar is unpacked for the children. */
	static final String APP = "app";

	private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

	private static final Set<PosixFilePermission> CROSSABLE_DIRECTORY = PosixFilePermissions.fromString("rwx--x--x");

	private static final Set<PosixFilePermission> READABLE_DIRECTORY = PosixFilePermissions.fromString("r-xr-xr-x");

	private static final Set<PosixFilePermission> READABLE_FILE = PosixFilePermissions.fromString("r--r--r--");

	/**
	 * The run directories that arbiters of this JVM hold. A lock is the process's:
	 * closing any descriptor of a locked file releases it, so a sweep never opens these.
	 */
	private static final Set<Path> heldHere = ConcurrentHashMap.newKeySet();

	private final Path path;

	private final FileChannel lockFile;

	private final Scoreboard scoreboard;

	/** The files of the pools whose children run as another user, by pool and user. */
	private final Map<PoolUser, PoolFiles> poolFiles = new ConcurrentHashMap<>();

	private record PoolUser(String pool, RunAs runAs) {

		static PoolUser of(WorkerSpec spec) {
			return new PoolUser(spec.name(), spec.runAs());
		}

	}

	private record PoolFiles(Path directory, Scoreboard scoreboard) {
	}

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
			Scoreboard scoreboard = Scoreboard.create(RunFiles.scoreboard(path), slots);
			Files.setPosixFilePermissions(RunFiles.scoreboard(path), PRIVATE_FILE);
			Files.setPosixFilePermissions(RunFiles.lock(path), PRIVATE_FILE);
			return new RunDirectory(path, lockFile, scoreboard);
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
	 * Makes the files of a pool whose children run as another user, unless made already:
	 * its directory and scoreboard, owned by that user; the class path readable by it.
	 * @param spec the pool
	 * @param runAs its user, group and umask, with the group filled in
	 * @throws UncheckedIOException if they cannot be made
	 */
	void prepare(WorkerSpec spec, RunAs runAs) {
		if (spec.runAs().switchesUser()) {
			this.poolFiles.computeIfAbsent(PoolUser.of(spec), (key) -> makePoolFiles(key.pool(), runAs));
		}
	}

	private PoolFiles makePoolFiles(String pool, RunAs runAs) {
		try {
			Files.setPosixFilePermissions(this.path, CROSSABLE_DIRECTORY);
			openToOthers(this.path.resolve(APP));
			Path directory = Files.createTempDirectory(this.path, "pool-" + pool + "-");
			Scoreboard scoreboard = Scoreboard.create(RunFiles.scoreboard(directory), this.scoreboard.capacity());
			Files.setPosixFilePermissions(RunFiles.scoreboard(directory), PRIVATE_FILE);
			UserPrincipalLookupService names = this.path.getFileSystem().getUserPrincipalLookupService();
			GroupPrincipal group = names.lookupPrincipalByGroupName(runAs.group());
			for (Path file : List.of(RunFiles.scoreboard(directory), directory)) {
				if (runAs.user() != null) {
					Files.setOwner(file, names.lookupPrincipalByName(runAs.user()));
				}
				Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(group);
			}
			return new PoolFiles(directory, scoreboard);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot make the files of pool '" + pool + "' in " + this.path, ex);
		}
	}

	/** Lets every user read the unpacked class path, whatever the arbiter's umask. */
	private static void openToOthers(Path tree) throws IOException {
		if (!Files.isDirectory(tree)) {
			return;
		}
		try (Stream<Path> files = Files.walk(tree)) {
			for (Path file : files.toList()) {
				Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
				permissions.addAll(Files.isDirectory(file) ? READABLE_DIRECTORY : READABLE_FILE);
				Files.setPosixFilePermissions(file, permissions);
			}
		}
	}

	/**
	 * Where a pool's children keep their files (scoreboard, boot error reports).
	 * @param spec the pool
	 * @return the run directory, or the pool's own if it runs as another user
	 */
	Path directory(WorkerSpec spec) {
		PoolFiles files = this.poolFiles.get(PoolUser.of(spec));
		return (files != null) ? files.directory() : this.path;
	}

	/**
	 * A scoreboard slot, in a pool's scoreboard.
	 * @param spec the pool
	 * @param slot the slot's index
	 * @return the slot
	 */
	Scoreboard.Slot slot(WorkerSpec spec, int slot) {
		PoolFiles files = this.poolFiles.get(PoolUser.of(spec));
		return ((files != null) ? files.scoreboard() : this.scoreboard).slot(slot);
	}

	/**
	 * Takes the boot error a worker left.
	 * @param worker the worker
	 * @return its error, or empty
	 */
	Optional<String> takeBootError(WorkerProcess worker) {
		return RunFiles.takeBootError(directory(worker.spec), worker.pid);
	}

	/** Removes the directory, then lets its lock go. */
	@Override
	public void close() {
		deleteTree(this.path);
		closeQuietly(this.lockFile);
		heldHere.remove(this.path);
	}

	private static void deleteTree(Path directory) {
		try {
			RunFiles.deleteTree(directory);
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
