package io.pistil.process;

/**
 * The native process operations pistil needs, behind one interface so the engine never
 * touches native code: spawn a child with chosen descriptors and default signal
 * dispositions, signal it, and reap it.
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
	 * Sends a signal to a process. A process that is already gone is not an error.
	 * @param pid the process
	 * @param signal the signal to send
	 * @return whether the signal was delivered
	 */
	boolean signal(long pid, UnixSignal signal);

	/**
	 * Waits for a child of this process to end and reaps it.
	 * @param pid the child
	 * @return how it ended
	 */
	ExitStatus waitFor(long pid);

	/**
	 * Returns the socket operations that go with these process operations: the
	 * platform's, unless an implementation says otherwise.
	 * @return the socket control
	 */
	default SocketControl sockets() {
		return SocketControl.load();
	}

	/**
	 * Returns the platform implementation.
	 * @return the native process control
	 * @throws IllegalStateException if the native layer cannot be loaded on this platform
	 */
	static ProcessControl load() {
		return NativeProcessControl.load();
	}

}
