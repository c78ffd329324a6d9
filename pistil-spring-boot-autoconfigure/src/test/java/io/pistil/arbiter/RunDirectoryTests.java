package io.pistil.arbiter;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.contract.RunFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Run directories: locked while their arbiter lives, and swept only when nobody holds
 * their lock, whatever pid their name shows.
 */
class RunDirectoryTests {

	@TempDir
	Path parent;

	@Test
	void aRunDirectoryIsLockedHoldsItsScoreboardAndIsGoneOnceClosed() {
		RunDirectory directory = RunDirectory.create(this.parent, 42, 8);
		assertThat(directory.path().getFileName().toString()).startsWith("pistil-42-");
		assertThat(RunFiles.scoreboard(directory.path())).isRegularFile();
		assertThat(RunFiles.lock(directory.path())).isRegularFile();
		assertThat(directory.scoreboard().capacity()).isEqualTo(8);

		RunDirectory.sweep(this.parent);
		assertThat(directory.path()).as("its arbiter lives").exists();

		directory.close();
		assertThat(directory.path()).doesNotExist();
	}

	@Test
	void aPoolThatRunsAsAnotherUserGetsFilesOfItsOwnAndTheRunDirectoryStaysUnlistable() throws Exception {
		assumeTrue(isRoot(), "changing owners needs root");
		WorkerSpec nobody = WorkerSpec.builder("hello").workerClass("W").runAs(new RunAs("nobody", null, null)).build();
		WorkerSpec arbiters = WorkerSpec.builder("other").workerClass("W").build();
		try (RunDirectory directory = RunDirectory.create(this.parent, 42, 8)) {
			Files.createDirectories(directory.path().resolve(RunDirectory.APP).resolve("classes"));
			directory.prepare(nobody, nobody.runAs().withPrimaryGroup(new FakeProcesses()));
			directory.prepare(arbiters, RunAs.ARBITER);

			Path own = directory.directory(nobody);
			assertThat(own.getParent()).isEqualTo(directory.path());
			assertThat(directory.directory(arbiters)).isEqualTo(directory.path());
			assertThat(Files.getOwner(own).getName()).isEqualTo("nobody");
			assertThat(Files.getOwner(RunFiles.scoreboard(own)).getName()).isEqualTo("nobody");
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own))).isEqualTo("rwx------");
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.path())))
				.isEqualTo("rwx--x--x");
			for (Path privateFile : List.of(RunFiles.scoreboard(directory.path()), RunFiles.lock(directory.path()),
					RunFiles.scoreboard(own))) {
				assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile)))
					.isEqualTo("rw-------");
			}
			assertThat(Files.getPosixFilePermissions(directory.path().resolve(RunDirectory.APP).resolve("classes")))
				.contains(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);

			directory.slot(nobody, 3).begin(1234);
			assertThat(directory.slot(nobody, 3).pid()).isEqualTo(1234);
			assertThat(directory.slot(arbiters, 3).pid()).as("another pool's scoreboard").isZero();
		}
	}

	private static boolean isRoot() throws Exception {
		return Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0);
	}

	@Test
	void theSweepRemovesADirectoryWhoseLockNobodyHoldsEvenIfItsPidIsAlive() throws Exception {
		Path abandoned = abandoned(ProcessHandle.current().pid());

		RunDirectory.sweep(this.parent);

		assertThat(abandoned).doesNotExist();
	}

	@Test
	void theSweepLeavesADirectoryWhoseLockIsHeldEvenIfItsPidIsGone() throws Exception {
		Path alive = abandoned(999_999_999);
		try (FileChannel lockFile = FileChannel.open(RunFiles.lock(alive), StandardOpenOption.WRITE);
				FileLock lock = lockFile.lock()) {
			RunDirectory.sweep(this.parent);

			assertThat(alive).exists();
		}
	}

	@Test
	void theSweepLeavesADirectoryStillBeingMadeAndAnythingElse() throws Exception {
		Path making = Files.createDirectory(this.parent.resolve("pistil-7-making"));
		Files.createFile(RunFiles.lock(making));
		Path other = Files.createDirectory(this.parent.resolve("other-7-x"));
		Files.createFile(RunFiles.scoreboard(other));
		Files.createFile(RunFiles.lock(other));

		RunDirectory.sweep(this.parent);

		assertThat(making).exists();
		assertThat(other).exists();
	}

	@Test
	void aRunDirectoryThatCannotBeMadeSaysWhereAndLeavesNothing() throws Exception {
		Path file = Files.createFile(this.parent.resolve("not-a-directory"));

		assertThatExceptionOfType(java.io.UncheckedIOException.class).isThrownBy(() -> RunDirectory.create(file, 1, 8))
			.withMessageContaining("Cannot prepare the arbiter's run directory in " + file);
	}

	private Path abandoned(long pid) throws Exception {
		Path directory = Files.createDirectory(this.parent.resolve("pistil-" + pid + "-left"));
		Files.writeString(RunFiles.scoreboard(directory), "left by SIGKILL");
		Files.createFile(RunFiles.lock(directory));
		return directory;
	}

}
