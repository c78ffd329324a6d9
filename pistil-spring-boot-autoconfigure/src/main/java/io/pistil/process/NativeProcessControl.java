package io.pistil.process;

import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/**
 * {@link ProcessControl} on Linux through jnr-posix, with libc's {@code posix_spawn}
 * family bound directly: jnr-posix's own spawn can neither reset signal dispositions nor
 * close every inherited descriptor.
 */
final class NativeProcessControl implements ProcessControl {

	// <spawn.h> on Linux (glibc and musl agree).
	private static final short POSIX_SPAWN_SETPGROUP = 0x02;

	private static final short POSIX_SPAWN_SETSIGDEF = 0x04;

	private static final short POSIX_SPAWN_SETSIGMASK = 0x08;

	private static final int O_RDONLY = 0;

	// Generous upper bounds of the opaque libc structs (glibc x86_64: 80, 336 and 128
	// bytes).
	private static final int FILE_ACTIONS_SIZE = 512;

	private static final int SPAWN_ATTR_SIZE = 1024;

	private static final int SIGSET_SIZE = 256;

	private final POSIX posix;

	private final SpawnLibrary spawn;

	private final Runtime runtime;

	private NativeProcessControl(POSIX posix, SpawnLibrary spawn) {
		this.posix = posix;
		this.spawn = spawn;
		this.runtime = Runtime.getRuntime(spawn);
	}

	static NativeProcessControl load() {
		if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
			throw new IllegalStateException(
					"pistil's process control needs Linux; this is " + System.getProperty("os.name"));
		}
		NativeProcessControl control;
		try {
			control = new NativeProcessControl(POSIXFactory.getNativePOSIX(),
					LibraryLoader.create(SpawnLibrary.class).load("c"));
		}
		catch (LinkageError | RuntimeException ex) {
			throw new IllegalStateException("pistil's native process layer could not be loaded: " + ex, ex);
		}
		control.resetChildSignal();
		return control;
	}

	/**
	 * An arbiter started with SIGCHLD ignored (some init scripts and container runtimes
	 * do) would have the kernel reap its workers: it would never learn how they ended.
	 */
	private void resetChildSignal() {
		this.spawn.signal(UnixSignal.CHLD.number(), null);
	}

	@Override
	public SpawnedProcess spawn(SpawnRequest request) {
		int[] output = pipe();
		int[] errors = pipe();
		Pointer actions = Memory.allocateDirect(this.runtime, FILE_ACTIONS_SIZE);
		Pointer attributes = Memory.allocateDirect(this.runtime, SPAWN_ATTR_SIZE);
		check(this.spawn.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
		check(this.spawn.posix_spawnattr_init(attributes), "posix_spawnattr_init");
		try {
			check(this.spawn.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0), "addopen");
			check(this.spawn.posix_spawn_file_actions_adddup2(actions, output[1], 1), "adddup2");
			check(this.spawn.posix_spawn_file_actions_adddup2(actions, errors[1], 2), "adddup2");
			handOver(request.descriptors(), actions);
			closeInheritedDescriptors(actions, SpawnRequest.FIRST_HANDED_OVER + request.descriptors().size());
			Pointer allSignals = Memory.allocateDirect(this.runtime, SIGSET_SIZE);
			Pointer noSignals = Memory.allocateDirect(this.runtime, SIGSET_SIZE);
			this.spawn.sigfillset(allSignals);
			this.spawn.sigemptyset(noSignals);
			check(this.spawn.posix_spawnattr_setsigdefault(attributes, allSignals), "setsigdefault");
			check(this.spawn.posix_spawnattr_setsigmask(attributes, noSignals), "setsigmask");
			check(this.spawn.posix_spawnattr_setpgroup(attributes, 0), "setpgroup");
			check(this.spawn.posix_spawnattr_setflags(attributes,
					(short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP)), "setflags");
			Pointer pid = Memory.allocateDirect(this.runtime, Integer.BYTES);
			int error = this.spawn.posix_spawn(pid, request.executable().toString(), actions, attributes, argv(request),
					envp(request.environment()));
			if (error != 0) {
				throw new SpawnException("Cannot spawn '" + request.executable() + "': " + describe(error));
			}
			return new SpawnedProcess(pid.getInt(0), reopen(output[0]), reopen(errors[0]));
		}
		catch (RuntimeException ex) {
			close(output[0]);
			close(errors[0]);
			throw ex;
		}
		finally {
			close(output[1]);
			close(errors[1]);
			this.spawn.posix_spawn_file_actions_destroy(actions);
			this.spawn.posix_spawnattr_destroy(attributes);
		}
	}

	/**
	 * Puts the descriptors to hand over on 3, 4, … in two rounds, through numbers above
	 * all of them, so that no dup2 overwrites a descriptor still to be copied.
	 */
	private void handOver(List<Integer> descriptors, Pointer actions) {
		if (descriptors.isEmpty()) {
			return;
		}
		int first = SpawnRequest.FIRST_HANDED_OVER;
		int scratch = Math.max(Collections.max(descriptors) + 1, first + descriptors.size());
		for (int i = 0; i < descriptors.size(); i++) {
			check(this.spawn.posix_spawn_file_actions_adddup2(actions, descriptors.get(i), scratch + i), "adddup2");
		}
		for (int i = 0; i < descriptors.size(); i++) {
			check(this.spawn.posix_spawn_file_actions_adddup2(actions, scratch + i, first + i), "adddup2");
			check(this.spawn.posix_spawn_file_actions_addclose(actions, scratch + i), "addclose");
		}
	}

	/**
	 * JDK descriptors are not close-on-exec, so without this every child would hold every
	 * jar, socket and pipe of the arbiter.
	 */
	private void closeInheritedDescriptors(Pointer actions, int lowestClosed) {
		try {
			check(this.spawn.posix_spawn_file_actions_addclosefrom_np(actions, lowestClosed), "addclosefrom_np");
		}
		catch (UnsatisfiedLinkError ex) {
			// libc older than glibc 2.34: close what is open now (a close of an fd that
			// is gone by then is ignored by posix_spawn).
			for (int fd : openDescriptors()) {
				if (fd >= lowestClosed) {
					check(this.spawn.posix_spawn_file_actions_addclose(actions, fd), "addclose");
				}
			}
		}
	}

	private static List<Integer> openDescriptors() {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.map((fd) -> Integer.parseInt(fd.getFileName().toString())).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private int[] pipe() {
		int[] fds = new int[2];
		if (this.posix.pipe(fds) != 0) {
			throw new SpawnException("Cannot create a pipe: " + describe(this.posix.errno()));
		}
		return fds;
	}

	/**
	 * Opens a pipe's read end as a stream through procfs, which needs no access to JDK
	 * internals. Buffered: JDK 17's FileInputStream.readAllBytes seeks, which a pipe
	 * refuses.
	 */
	private InputStream reopen(int fd) {
		try {
			return new BufferedInputStream(new FileInputStream("/proc/self/fd/" + fd));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			close(fd);
		}
	}

	private void close(int fd) {
		this.posix.close(fd);
	}

	private static String[] argv(SpawnRequest request) {
		List<String> argv = new ArrayList<>();
		argv.add(request.executable().toString());
		argv.addAll(request.arguments());
		argv.add(null);
		return argv.toArray(String[]::new);
	}

	private static String[] envp(Map<String, String> environment) {
		List<String> envp = new ArrayList<>();
		environment.forEach((name, value) -> envp.add(name + "=" + value));
		envp.add(null);
		return envp.toArray(String[]::new);
	}

	private static void check(int result, String call) {
		if (result != 0) {
			throw new SpawnException(call + " failed: " + describe(result));
		}
	}

	static String describe(int errno) {
		Errno known = Errno.valueOf(errno);
		return (known != null && known.defined()) ? known.description() + " (" + known.name() + ")" : "errno " + errno;
	}

	@Override
	public CompletionStage<Void> onExit(long pid) {
		// onExit fires without reaping (waitid with WNOWAIT for a child); reap() then
		// takes the status.
		return ProcessHandle.of(pid)
			.map((handle) -> handle.onExit().<Void>thenApply((ended) -> null))
			.orElseGet(() -> CompletableFuture.completedFuture(null));
	}

	@Override
	public ExitStatus reap(long pid) {
		int[] status = new int[1];
		while (true) {
			long reaped = this.posix.waitpid(pid, status, 0);
			if (reaped == pid) {
				return ExitStatus.fromWaitStatus(status[0]);
			}
			int errno = this.posix.errno();
			if (errno == Errno.ECHILD.intValue()) {
				return ExitStatus.UNKNOWN;
			}
			if (errno != Errno.EINTR.intValue()) {
				throw new IllegalStateException("waitpid(" + pid + ") failed: " + describe(errno));
			}
		}
	}

	@Override
	public boolean signal(long pid, UnixSignal signal) {
		return pid > 0 && this.posix.kill(pid, signal.number()) == 0;
	}

	@Override
	public boolean signalGroup(long processGroup, UnixSignal signal) {
		return processGroup > 1 && this.posix.kill(-processGroup, signal.number()) == 0;
	}

	@Override
	public long primaryGroup(String user) {
		Passwd entry = user.matches("[0-9]+") ? this.posix.getpwuid(Integer.parseInt(user)) : this.posix.getpwnam(user);
		if (entry == null) {
			throw new IllegalArgumentException("There is no user '" + user + "' on this machine");
		}
		return entry.getGID();
	}

	@Override
	public boolean hasControllingTerminal() {
		try {
			// /proc/self/stat: "pid (comm) state ppid pgrp session tty_nr …"; comm may
			// hold spaces and parentheses, so count from the last ')'.
			String stat = Files.readString(Path.of("/proc/self/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Integer.parseInt(fields[4]) != 0;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	/** libc's spawn family, bound by jnr-ffi. */
	public interface SpawnLibrary {

		int posix_spawn_file_actions_init(Pointer actions);

		int posix_spawn_file_actions_destroy(Pointer actions);

		int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

		int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

		int posix_spawn_file_actions_addclose(Pointer actions, int fd);

		int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int lowFd);

		int posix_spawnattr_init(Pointer attributes);

		int posix_spawnattr_destroy(Pointer attributes);

		int posix_spawnattr_setflags(Pointer attributes, short flags);

		int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

		int posix_spawnattr_setsigmask(Pointer attributes, Pointer signals);

		int posix_spawnattr_setpgroup(Pointer attributes, int processGroup);

		int sigfillset(Pointer signals);

		int sigemptyset(Pointer signals);

		int posix_spawn(Pointer pid, String path, Pointer actions, Pointer attributes, String[] argv, String[] envp);

		Pointer signal(int signal, Pointer handler);

	}

}
