package io.pistil.arbiter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pistil.process.ProcessControl;
import io.pistil.worker.ContextMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The arbiter's start and stop with no worker to spawn.
 */
class ArbiterTests {

	private final LaunchSettings launch = new LaunchSettings(Path.of(System.getProperty("java.home"), "bin", "java"),
			System.getProperty("java.class.path"), false, null, List.of(), Map.of(), "", List.of());

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

	@Test
	void scalingOutOfBoundsOrAnUnknownPoolIsRefusedAndChangesNothing() {
		WorkerSpec idle = new WorkerSpec("idle", ChildType.WORKER, "io.pistil.it.TickWorker", null, 0, 0, 2, 1,
				Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMillis(100),
				ContextMode.SLIM, List.of(), Map.of(), Map.of(), RestartPolicy.DEFAULT, ShutdownMode.GRACEFUL, null,
				Recycling.NONE);
		PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
		try (Arbiter arbiter = new Arbiter(List.of(idle), this.launch, ProcessControl.load(),
				ArbiterOptions.defaults().withOutput(nowhere, nowhere))) {
			arbiter.start();

			assertThatIllegalArgumentException().isThrownBy(() -> arbiter.scale("idle", 3))
				.withMessage("Pool 'idle' takes between 0 and 2 workers, not 3");
			assertThatIllegalArgumentException().isThrownBy(() -> arbiter.scale("idle", -1));
			assertThatExceptionOfType(NoSuchPoolException.class).isThrownBy(() -> arbiter.increment("nope"))
				.withMessage("No pool named 'nope'");
			assertThat(arbiter.decrement("idle").desired()).as("already at min-workers").isZero();
			assertThatIllegalArgumentException().isThrownBy(() -> arbiter.replace(1))
				.withMessage("No worker has pid 1");

			Snapshots.PoolSnapshot pool = arbiter.snapshot().pools().get(0);
			assertThat(pool.name()).isEqualTo("idle");
			assertThat(pool.desired()).isZero();
			assertThat(pool.maxWorkers()).isEqualTo(2);
			assertThat(pool.workers()).isEmpty();
			assertThat(arbiter.snapshot().state()).isEqualTo("RUNNING");
		}
	}

	private static List<Path> runDirectories() throws IOException {
		String prefix = "pistil-" + ProcessHandle.current().pid() + "-";
		try (var entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return entries.filter((entry) -> entry.getFileName().toString().startsWith(prefix)).toList();
		}
	}

}
