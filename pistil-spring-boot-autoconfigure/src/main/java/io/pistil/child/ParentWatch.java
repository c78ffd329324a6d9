package io.pistil.child;

import java.util.Optional;

/**
 * Notices that the arbiter is gone, even after SIGKILL, when the child is re-parented:
 * polling the parent pid costs a read of /proc and works whatever thread spawned the
 * child (unlike PR_SET_PDEATHSIG).
 */
public final class ParentWatch {

	private static final long POLL_MILLIS = 200;

	private ParentWatch() {
	}

	public static boolean isParent(long arbiterPid) {
		Optional<ProcessHandle> parent = ProcessHandle.current().parent();
		return parent.isPresent() && parent.get().pid() == arbiterPid;
	}

	/**
	 * Calls {@code orphaned} once the arbiter is no longer this process's parent.
	 * @param arbiterPid the arbiter's pid
	 * @param orphaned what to do then
	 */
	public static void start(long arbiterPid, Runnable orphaned) {
		Thread thread = new Thread(() -> {
			try {
				while (isParent(arbiterPid)) {
					Thread.sleep(POLL_MILLIS);
				}
				orphaned.run();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "pistil-parent-watch");
		thread.setDaemon(true);
		thread.start();
	}

}
