package io.pistil.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.DocumentContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.process.ProcessControl;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as the README's first command runs it: in a real terminal (tmux), whose
 * window changes send SIGWINCH to the foreground process group, the arbiter. gunicorn
 * honours WINCH only as a daemon; so does pistil: every worker survives the resizes.
 */
class TerminalIT {

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar").toAbsolutePath();

	private static final Duration STARTED = Duration.ofSeconds(120);

	private final String session = "pistil-it-" + ProcessHandle.current().pid();

	private final SampleHttp http = new SampleHttp(SampleHttp.freePort());

	private long arbiterPid;

	@TempDir
	Path directory;

	@Test
	void windowResizesInATerminalStopNoWorker() throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		tmux("new-session", "-d", "-s", this.session, "-x", "160", "-y", "48",
				"exec " + java + " -Xmx256m -jar " + JAR + " --server.port=" + this.http.port()
						+ " --pistil.workers.tcp_pool.children.tcp-hello.listen=127.0.0.1:0"
						+ " --pistil.workers.fserve.listen=127.0.0.1:0 --spring.pid.file="
						+ this.directory.resolve("app.pid"));
		this.arbiterPid = Long.parseLong(tmux("display-message", "-p", "-t", this.session, "#{pane_pid}").trim());
		Awaitility.await("the sample healthy")
			.atMost(STARTED)
			.pollInterval(Duration.ofMillis(200))
			.until(this.http::healthy);
		List<Long> before = workerPids();
		String[] stat = stat(this.arbiterPid);
		assertThat(stat[6]).as("it has a controlling terminal").isNotEqualTo("0");
		assertThat(stat[7]).as("its group is the terminal's foreground group: window changes reach it")
			.isEqualTo(stat[4]);

		for (int[] size : new int[][] { { 120, 40 }, { 200, 60 }, { 100, 30 } }) {
			tmux("resize-window", "-t", this.session, "-x", Integer.toString(size[0]), "-y", Integer.toString(size[1]));
			assertThat(tmux("display-message", "-p", "-t", this.session, "#{window_width}x#{window_height}").trim())
				.isEqualTo(size[0] + "x" + size[1]);
		}

		// Signals are applied in the order they come: once this TTIN has added its
		// worker,
		// any WINCH before it would have stopped every worker.
		ProcessControl.load().signal(this.arbiterPid, UnixSignal.TTIN);
		Awaitility.await("the TTIN after the resizes applied")
			.atMost(STARTED)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> this.http.ready("hello") == 4);
		assertThat(this.http.healthy()).isTrue();
		assertThat(workerPids()).containsAll(before).hasSize(before.size() + 1);
	}

	/** Every worker's pid, as the endpoint lists them. */
	private List<Long> workerPids() {
		DocumentContext pistil = this.http.json("/actuator/pistil").orElseThrow();
		Map<String, Object> pools = pistil.read("$.pools");
		List<Long> pids = new ArrayList<>();
		for (String pool : pools.keySet()) {
			List<Number> poolPids = pistil.read("$.pools['" + pool + "'].workers[*].pid");
			poolPids.forEach((pid) -> pids.add(pid.longValue()));
		}
		assertThat(pids).hasSizeGreaterThanOrEqualTo(8);
		return pids;
	}

	/**
	 * /proc/&lt;pid&gt;/stat's fields after the command name: state, ppid, pgrp, session,
	 * tty, tpgid…
	 */
	private static String[] stat(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		String[] numbered = new String[fields.length + 2];
		System.arraycopy(fields, 0, numbered, 2, fields.length);
		return numbered;
	}

	private static String tmux(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("tmux"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new AssertionError("tmux " + String.join(" ", arguments) + " failed: " + output);
		}
		return output;
	}

	/** Stops the sample by pid (TERM, the README's way), then the session. */
	@AfterEach
	void stopTheSample() throws Exception {
		if (this.arbiterPid > 0) {
			ProcessHandle.of(this.arbiterPid).ifPresent((arbiter) -> {
				List<ProcessHandle> tree = arbiter.descendants().toList();
				ProcessControl.load().signal(this.arbiterPid, UnixSignal.TERM);
				try {
					arbiter.onExit().get(30, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					arbiter.destroyForcibly();
				}
				tree.forEach(ProcessHandle::destroyForcibly);
			});
		}
		new ProcessBuilder("tmux", "kill-session", "-t", this.session).start().waitFor(10, TimeUnit.SECONDS);
	}

}
