package io.pistil.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.pistil.contract.Scoreboard;

/**
 * The cost of one heartbeat. pistil's ({@code WorkerContext.notifyAlive()}) is a store
 * into the worker's slot of the memory-mapped scoreboard; gunicorn's is a new
 * modification time on a file that the arbiter watches ({@code os.utime} in its
 * {@code WorkerTmp.notify}), a system call each time. benchmarks/run reads the two
 * methods by name.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class HeartbeatBenchmark {

	private Path directory;

	private Scoreboard.Slot slot;

	private Path heartbeatFile;

	@Setup
	public void setUp() throws IOException {
		this.directory = Files.createTempDirectory("pistil-heartbeat");
		this.slot = Scoreboard.create(this.directory.resolve("scoreboard"), 1).slot(0);
		this.slot.begin(ProcessHandle.current().pid());
		this.heartbeatFile = Files.createFile(this.directory.resolve("heartbeat"));
	}

	@TearDown
	public void tearDown() throws IOException {
		try (Stream<Path> files = Files.walk(this.directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

	@Benchmark
	public void scoreboard() {
		this.slot.heartbeat();
	}

	@Benchmark
	public void fileTimestamp() throws IOException {
		Files.setLastModifiedTime(this.heartbeatFile, FileTime.fromMillis(System.currentTimeMillis()));
	}

}
