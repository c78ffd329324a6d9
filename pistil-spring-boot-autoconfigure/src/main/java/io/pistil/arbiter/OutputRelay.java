package io.pistil.arbiter;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Copies what a child prints to the arbiter's own stream, one line at a time, each line
 * prefixed with the worker's name and pid, so that even a thread dump or a JVM error
 * names its worker. Keeps the last lines for error reports.
 *
 * <p>
 * A line longer than {@value #MAX_LINE_BYTES} bytes (a child printing without newlines)
 * goes out in pieces of at most that size, each prefixed: nothing is lost, and the
 * arbiter's memory stays bounded however a child writes.
 */
final class OutputRelay {

	static final int MAX_LINE_BYTES = 8192;

	private static final int TAIL_LINES = 40;

	private final Thread thread;

	private final Charset charset;

	private final Deque<String> tail = new ArrayDeque<>();

	OutputRelay(String name, String prefix, InputStream source, PrintStream target) {
		this(name, prefix, source, target, Charset.defaultCharset());
	}

	OutputRelay(String name, String prefix, InputStream source, PrintStream target, Charset charset) {
		this.charset = charset;
		this.thread = new Thread(() -> copy(prefix, source, target), name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void copy(String prefix, InputStream source, PrintStream target) {
		byte[] line = new byte[MAX_LINE_BYTES];
		byte[] buffer = new byte[MAX_LINE_BYTES];
		int length = 0;
		try (source) {
			int read;
			while ((read = source.read(buffer)) >= 0) {
				for (int i = 0; i < read; i++) {
					byte next = buffer[i];
					if (next == '\n') {
						emit(prefix, line, trimCarriageReturn(line, length), target);
						length = 0;
						continue;
					}
					if (length == MAX_LINE_BYTES) {
						int cut = characterBoundary(line, length);
						emit(prefix, line, cut, target);
						System.arraycopy(line, cut, line, 0, length - cut);
						length -= cut;
					}
					line[length++] = next;
				}
			}
			if (length > 0) {
				emit(prefix, line, length, target);
			}
		}
		catch (IOException ex) {
			target.println(prefix + "(output lost: " + ex + ")");
		}
	}

	private static int trimCarriageReturn(byte[] line, int length) {
		return (length > 0 && line[length - 1] == '\r') ? length - 1 : length;
	}

	/**
	 * Where to cut a full line so that no UTF-8 character is split: before the lead byte
	 * of a character that is not complete. Any other charset is cut at the full length.
	 */
	private int characterBoundary(byte[] line, int length) {
		if (!this.charset.name().equals("UTF-8")) {
			return length;
		}
		int cut = length;
		// At most three continuation bytes (10xxxxxx) follow a lead byte.
		while (cut > length - 4 && cut > 0 && (line[cut - 1] & 0xC0) == 0x80) {
			cut--;
		}
		if (cut > 0 && cut > length - 4 && (line[cut - 1] & 0xC0) == 0xC0) {
			int lead = line[cut - 1] & 0xFF;
			int size = (lead >= 0xF0) ? 4 : (lead >= 0xE0) ? 3 : 2;
			return (length - (cut - 1) < size) ? cut - 1 : length;
		}
		return length;
	}

	private void emit(String prefix, byte[] line, int length, PrintStream target) {
		String text = new String(line, 0, length, this.charset);
		target.println(prefix + text);
		remember(text);
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
