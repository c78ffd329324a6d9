package io.pistil.arbiter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.pistil.contract.ChildArguments;
import io.pistil.contract.RunFiles;
import io.pistil.contract.Scoreboard;
import io.pistil.contract.SlotState;
import io.pistil.process.ExitStatus;
import io.pistil.process.ListeningSocket;
import io.pistil.process.ProcessControl;
import io.pistil.process.SocketControl;
import io.pistil.process.SpawnException;
import io.pistil.process.SpawnRequest;
import io.pistil.process.SpawnedProcess;
import io.pistil.process.UnixSignal;

/**
 * A process layer without processes: a spawn makes a {@link FakeProcess} that the test
 * moves through its life (ready, heartbeats, exit), and every signal is recorded. By
 * default a process obeys: SIGTERM ends it with code 0, SIGKILL with signal 9.
 */
final class FakeProcesses implements ProcessControl {

	private final AtomicInteger nextPid = new AtomicInteger(1000);

	private final List<FakeProcess> spawned = new CopyOnWriteArrayList<>();

	private final Map<Long, FakeProcess> byPid = new ConcurrentHashMap<>();

	private final List<String> signalsAfterReap = new CopyOnWriteArrayList<>();

	private final AtomicInteger failingSpawns = new AtomicInteger();

	private volatile boolean obedient = true;

	private volatile boolean reapedElsewhere;

	@Override
	public SpawnedProcess spawn(SpawnRequest request) {
		if (this.failingSpawns.getAndUpdate((left) -> Math.max(left - 1, 0)) > 0) {
			throw new SpawnException("Cannot spawn '" + request.executable() + "': Resource temporarily unavailable");
		}
		FakeProcess process = new FakeProcess(this.nextPid.getAndIncrement(), request);
		this.spawned.add(process);
		this.byPid.put(process.pid, process);
		return new SpawnedProcess(process.pid, new ByteArrayInputStream(new byte[0]),
				new ByteArrayInputStream(new byte[0]));
	}

	@Override
	public CompletionStage<Void> onExit(long pid) {
		return this.byPid.get(pid).ended;
	}

	@Override
	public ExitStatus reap(long pid) {
		FakeProcess process = this.byPid.get(pid);
		if (!process.ended.isDone()) {
			throw new AssertionError("reap(" + pid + ") of a process that has not ended would block");
		}
		process.reaped = true;
		return this.reapedElsewhere ? ExitStatus.UNKNOWN : process.status;
	}

	@Override
	public boolean signal(long pid, UnixSignal signal) {
		FakeProcess process = this.byPid.get(pid);
		if (process == null) {
			return false;
		}
		if (process.reaped) {
			this.signalsAfterReap.add(signal + " to " + pid);
		}
		process.signals.add(signal);
		if (this.obedient && signal == UnixSignal.TERM) {
			process.exit(0);
		}
		else if (signal == UnixSignal.KILL) {
			process.killed(UnixSignal.KILL);
		}
		return true;
	}

	@Override
	public boolean signalGroup(long processGroup, UnixSignal signal) {
		FakeProcess process = this.byPid.get(processGroup);
		if (process == null) {
			return false;
		}
		if (process.reaped) {
			this.signalsAfterReap.add(signal + " to group " + processGroup);
		}
		process.groupSignals.add(signal);
		if (signal == UnixSignal.KILL) {
			process.killed(UnixSignal.KILL);
		}
		return true;
	}

	@Override
	public long primaryGroup(String user) {
		return 65534;
	}

	@Override
	public boolean hasControllingTerminal() {
		return false;
	}

	@Override
	public SocketControl sockets() {
		return new NoSockets();
	}

	/** Whether SIGTERM ends a process (else it ignores it, and only SIGKILL does). */
	void obedient(boolean obedient) {
		this.obedient = obedient;
	}

	/**
	 * Makes every reap find nothing, as when SIGCHLD is ignored or another library reaps.
	 */
	void reapedElsewhere() {
		this.reapedElsewhere = true;
	}

	/** Makes the next spawns fail. */
	void failSpawns(int count) {
		this.failingSpawns.set(count);
	}

	List<FakeProcess> spawned() {
		return List.copyOf(this.spawned);
	}

	List<String> signalsAfterReap() {
		return List.copyOf(this.signalsAfterReap);
	}

	/**
	 * One spawned process.
	 */
	static final class FakeProcess {

		final long pid;

		final SpawnRequest request;

		final ChildArguments arguments;

		final List<UnixSignal> signals = new CopyOnWriteArrayList<>();

		final List<UnixSignal> groupSignals = new CopyOnWriteArrayList<>();

		private final CompletableFuture<Void> ended = new CompletableFuture<>();

		private volatile ExitStatus status;

		private volatile boolean reaped;

		private Scoreboard.Slot slot;

		FakeProcess(long pid, SpawnRequest request) {
			this.pid = pid;
			this.request = request;
			List<String> all = request.arguments();
			int main = all.indexOf(ChildArguments.WORKER_MAIN_CLASS);
			if (main < 0) {
				main = all.indexOf(ChildArguments.SUPERVISOR_MAIN_CLASS);
			}
			this.arguments = ChildArguments.parse(all.subList(main + 1, all.size()).toArray(String[]::new));
		}

		String pool() {
			return this.arguments.pool();
		}

		int number() {
			return this.arguments.number();
		}

		boolean alive() {
			return !this.ended.isDone();
		}

		boolean reaped() {
			return this.reaped;
		}

		boolean mainClassIs(String mainClass) {
			return this.request.arguments().contains(mainClass);
		}

		private synchronized Scoreboard.Slot slot() {
			if (this.slot == null) {
				this.slot = Scoreboard.open(RunFiles.scoreboard(this.arguments.runDirectory()))
					.slot(this.arguments.slot());
				this.slot.begin(this.pid);
			}
			return this.slot;
		}

		/** The child's context has started: it says so in its slot. */
		FakeProcess ready() {
			slot().state(SlotState.READY);
			return this;
		}

		/** One heartbeat. */
		FakeProcess beat() {
			slot().heartbeat();
			return this;
		}

		FakeProcess handled(int requests) {
			for (int i = 0; i < requests; i++) {
				slot().requestHandled();
			}
			return this;
		}

		/** Leaves a boot error report, as a child whose context failed does. */
		FakeProcess bootError(String report) {
			try {
				RunFiles.writeBootError(this.arguments.runDirectory(), this.pid, report);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return this;
		}

		void exit(int code) {
			end(new ExitStatus(code, 0));
		}

		void killed(UnixSignal signal) {
			end(new ExitStatus(-1, signal.number()));
		}

		private void end(ExitStatus status) {
			synchronized (this) {
				if (this.ended.isDone()) {
					return;
				}
				this.status = status;
			}
			this.ended.complete(null);
		}

		@Override
		public String toString() {
			return this.arguments.workerName() + " (pid " + this.pid + ", signals " + this.signals + ", group "
					+ this.groupSignals + ")";
		}

	}

	/** No tcp pool in these tests: a socket call is a failure. */
	private static final class NoSockets implements SocketControl {

		@Override
		public ListeningSocket listen(SocketAddress address, int backlog) {
			throw new AssertionError("listen(" + address + ")");
		}

		@Override
		public Optional<SocketAddress> listeningAddress(int fd) {
			return Optional.empty();
		}

		@Override
		public void close(int fd) {
			throw new AssertionError("close(" + fd + ")");
		}

		@Override
		public void sendDatagram(String path, byte[] message) {
			throw new AssertionError("sendDatagram(" + path + ", " + Arrays.toString(message) + ")");
		}

	}

}
