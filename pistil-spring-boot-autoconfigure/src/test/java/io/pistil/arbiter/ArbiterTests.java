package io.pistil.arbiter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pistil.process.ProcessControl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arbiter's start and stop with no worker to spawn.
 */
class ArbiterTests {

	private final LaunchSettings launch = new LaunchSettings(Path.of(System.getProperty("java.home"), "bin", "java"),
			System.getProperty("java.class.path"), false, null, List.of(), Map.of());

	@Test
	void startRemovesTheRunDirectoryOfAnArbiterThatDiedAndStopRemovesItsOwn() throws Exception {
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
		Path stale = Files.createDirectory(temporary.resolve("pistil-" + gone.pid() + "-42"));
		Files.writeString(ChildArguments.scoreboard(stale), "left by SIGKILL");
		Path alive = Files.createDirectory(temporary.resolve("pistil-" + ProcessHandle.current().pid() + "-43"));
		Files.writeString(ChildArguments.scoreboard(alive), "in use");
		try {
			PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
			Arbiter arbiter = new Arbiter(List.of(), this.launch, ProcessControl.load(),
					ArbiterOptions.defaults().withOutput(nowhere, nowhere));
			arbiter.start();
			assertThat(stale).doesNotExist();
			assertThat(alive).exists();
			assertThat(arbiter.isRunning()).isTrue();
			assertThat(runDirectories()).hasSize(2);

			arbiter.stop();

			assertThat(arbiter.isRunning()).isFalse();
			assertThat(runDirectories()).containsExactly(alive);
		}
		finally {
			Files.deleteIfExists(ChildArguments.scoreboard(alive));
			Files.deleteIfExists(alive);
		}
	}

	private static List<Path> runDirectories() throws IOException {
		String prefix = "pistil-" + ProcessHandle.current().pid() + "-";
		try (var entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return entries.filter((entry) -> entry.getFileName().toString().startsWith(prefix)).toList();
		}
	}

}
