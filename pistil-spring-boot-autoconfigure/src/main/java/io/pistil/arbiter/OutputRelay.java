package io.pistil.arbiter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Copies what a child prints to the arbiter's own stream, one line at a time, each line
 * prefixed with the worker's name and pid, so that even a thread dump or a JVM error
 * names its worker. Keeps the last lines for error reports.
 */
final class OutputRelay {

	private static final int TAIL_LINES = 40;

	private final Thread thread;

	private final Deque<String> tail = new ArrayDeque<>();

	OutputRelay(String name, String prefix, InputStream source, PrintStream target) {
		this.thread = new Thread(() -> copy(prefix, source, target), name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void copy(String prefix, InputStream source, PrintStream target) {
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(source, Charset.defaultCharset()))) {
			String line;
			while ((line = reader.readLine()) != null) {
				target.println(prefix + line);
				remember(line);
			}
		}
		catch (IOException ex) {
			target.println(prefix + "(output lost: " + ex + ")");
		}
	}

	private synchronized void remember(String line) {
		if (this.tail.size() == TAIL_LINES) {
			this.tail.removeFirst();
		}
		this.tail.addLast(line);
	}

	/**
	 * Waits until the child's end of the stream is closed and every line has been copied.
	 */
	void await(long millis) throws InterruptedException {
		this.thread.join(millis);
	}

	boolean finished() {
		return !this.thread.isAlive();
	}

	synchronized String tail() {
		return String.join("\n", this.tail);
	}

}
