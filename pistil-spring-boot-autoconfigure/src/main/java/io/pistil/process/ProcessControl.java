package io.pistil.process;

import java.util.concurrent.CompletionStage;

/**
 * The native process operations pistil needs, behind one interface so the engine never
 * touches native code: spawn a child with chosen descriptors and default signal
 * dispositions, learn that it ended, reap it, and signal it or its process group.
 *
 * <p>
 * Obtain the platform implementation with {@link #load()}.
 */
public interface ProcessControl {

	/**
	 * Spawns a child process. Its standard input reads {@code /dev/null}; its standard
	 * output and error are pipes whose read ends are returned. It holds no other
	 * descriptor of this process but the request's descriptors to hand over (as 3, 4, …),
	 * every signal disposition is the default, no signal is blocked, and it leads a
	 * process group of its own (so a terminal's Ctrl-C reaches only the arbiter, which
	 * stops its workers in order).
	 * @param request what to run
	 * @return the running child
	 * @throws SpawnException if the child could not be started
	 */
	SpawnedProcess spawn(SpawnRequest request);

	/**
	 * Tells when a child has ended. The child is not reaped yet: until {@link #reap} its
	 * pid, and the id of the process group it leads, cannot be given to another process,
	 * so signalling them stays safe.
	 * @param pid a child of this process
	 * @return a stage that completes once the child has ended, on a thread of the
	 * implementation's
	 */
	CompletionStage<Void> onExit(long pid);

	/**
	 * Reaps a child that has ended (see {@link #onExit}), waiting for it otherwise.
	 * @param pid the child
	 * @return how it ended, or {@link ExitStatus#UNKNOWN} when it was reaped elsewhere
	 * (SIGCHLD ignored, or another library waiting for every child)
	 */
	ExitStatus reap(long pid);

	/**
	 * Sends a signal to a process. A process that is already gone is not an error.
	 * @param pid the process
	 * @param signal the signal to send
	 * @return whether the signal was delivered
	 */
	boolean signal(long pid, UnixSignal signal);

	/**
	 * Sends a signal to every process of a process group, such as a worker and the
	 * processes it started.
	 * @param processGroup the group's id: the pid of the worker that leads it
	 * @param signal the signal to send
	 * @return whether the signal was delivered to at least one process
	 */
	boolean signalGroup(long processGroup, UnixSignal signal);

	/**
	 * Looks up a user's primary group, which its processes run with unless told
	 * otherwise.
	 * @param user a user name or uid
	 * @return the group's id
	 * @throws IllegalArgumentException if there is no such user
	 */
	long primaryGroup(String user);

	/**
	 * Tells whether this process has a controlling terminal: a terminal's window changes
	 * then send it SIGWINCH, which is no request to stop its workers.
	 * @return whether it has one
	 */
	boolean hasControllingTerminal();

	/**
	 * Returns the socket operations that go with these process operations: the
	 * platform's, unless an implementation says otherwise.
	 * @return the socket control
	 */
	default SocketControl sockets() {
		return SocketControl.load();
	}

	/**
	 * Returns the platform implementation. Loading it resets SIGCHLD to its default
	 * disposition: a process started with SIGCHLD ignored would have its children reaped
	 * by the kernel, and their exit statuses lost.
	 * @return the native process control
	 * @throws IllegalStateException if the native layer cannot be loaded on this platform
	 */
	static ProcessControl load() {
		return NativeProcessControl.load();
	}

}
