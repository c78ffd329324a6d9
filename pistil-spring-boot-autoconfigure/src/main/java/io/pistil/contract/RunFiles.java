package io.pistil.contract;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files of an arbiter's run directory that its children use too: the scoreboard, the
 * boot error reports, and the lock that tells a live arbiter's directory from a dead
 * one's.
 */
public final class RunFiles {

	private RunFiles() {
	}

	/** The scoreboard file in a run directory. */
	public static Path scoreboard(Path runDirectory) {
		return runDirectory.resolve("scoreboard");
	}

	/** The file its arbiter holds locked while it runs. */
	public static Path lock(Path runDirectory) {
		return runDirectory.resolve("lock");
	}

	/** Where a child that fails to boot writes its error for the arbiter. */
	public static Path bootError(Path runDirectory, long pid) {
		return runDirectory.resolve("boot-error-" + pid);
	}

	/**
	 * Leaves the arbiter a child's boot error.
	 * @param runDirectory the arbiter's run directory
	 * @param pid the child's pid
	 * @param report the error
	 * @throws IOException if it cannot be written
	 */
	public static void writeBootError(Path runDirectory, long pid, String report) throws IOException {
		Path file = bootError(runDirectory, pid);
		Path partial = file.resolveSibling(file.getFileName() + ".partial");
		// Private from its first byte: a run directory that other users may cross holds
		// it.
		Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		Files.writeString(partial, report, StandardCharsets.UTF_8);
		// The arbiter may read it as soon as the child has exited: never half written.
		Files.move(partial, file);
	}

	/**
	 * Takes the boot error a child left, if any: reads it and deletes it.
	 * @param runDirectory the arbiter's run directory
	 * @param pid the child's pid
	 * @return the error, or empty if the child left none (or it cannot be read)
	 */
	public static Optional<String> takeBootError(Path runDirectory, long pid) {
		Path file = bootError(runDirectory, pid);
		try {
			String error = Files.readString(file, StandardCharsets.UTF_8);
			Files.delete(file);
			return Optional.of(error);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			return Optional.of("(its boot error report could not be read: " + ex + ")");
		}
	}

	/**
	 * Says why a file operation failed, without repeating the file's name: a
	 * {@link FileSystemException}'s message is often the name alone.
	 * @param ex the failure
	 * @return its reason, such as "No space left on device" or "NoSuchFileException"
	 */
	public static String reason(IOException ex) {
		if (ex instanceof FileSystemException failure) {
			return (failure.getReason() != null) ? failure.getReason() : failure.getClass().getSimpleName();
		}
		return String.valueOf(ex.getMessage());
	}

	/**
	 * Deletes a directory and everything in it; nothing if it is not there.
	 * @param directory the directory
	 * @throws IOException if part of it cannot be deleted
	 */
	public static void deleteTree(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
	}

}
