package io.pistil.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A memory-mapped file shared by the arbiter and its children, one fixed-size slot per
 * worker, as in Apache httpd's scoreboard. A child's heartbeat is a single store into its
 * slot; the arbiter scans every slot on each tick. gunicorn's heartbeat (a syscall per
 * notify) costs 200 times more.
 *
 * <p>
 * Layout: a header of {@value #HEADER_SIZE} bytes (magic, slot count), then slots of
 * {@value #SLOT_SIZE} bytes, each a row of native-order longs: pid, state, heartbeat
 * counter, requests handled, busy flag.
 */
public final class Scoreboard implements AutoCloseable {

	static final int HEADER_SIZE = 64;

	static final int SLOT_SIZE = 64;

	private static final long MAGIC = 0x70697374696c0001L; // "pistil", version 1

	private static final int PID = 0;

	private static final int STATE = 8;

	private static final int HEARTBEAT = 16;

	private static final int REQUESTS = 24;

	private static final int BUSY = 32;

	private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

	private final MappedByteBuffer buffer;

	private final int capacity;

	private Scoreboard(MappedByteBuffer buffer, int capacity) {
		this.buffer = buffer;
		this.capacity = capacity;
	}

	/**
	 * Creates a scoreboard file with every slot empty.
	 * @param file the file to create
	 * @param capacity the number of slots
	 * @return the scoreboard
	 */
	public static Scoreboard create(Path file, int capacity) {
		Scoreboard scoreboard = new Scoreboard(map(file, HEADER_SIZE + (long) capacity * SLOT_SIZE, true), capacity);
		LONGS.setRelease(scoreboard.buffer, 8, (long) capacity);
		LONGS.setRelease(scoreboard.buffer, 0, MAGIC);
		return scoreboard;
	}

	/**
	 * Opens a scoreboard that an arbiter created.
	 * @param file the scoreboard file
	 * @return the scoreboard
	 */
	public static Scoreboard open(Path file) {
		MappedByteBuffer header = map(file, HEADER_SIZE, false);
		if ((long) LONGS.getAcquire(header, 0) != MAGIC) {
			throw new IllegalStateException(file + " is not a pistil scoreboard");
		}
		int capacity = (int) (long) LONGS.getAcquire(header, 8);
		return new Scoreboard(map(file, HEADER_SIZE + (long) capacity * SLOT_SIZE, false), capacity);
	}

	private static MappedByteBuffer map(Path file, long size, boolean create) {
		try {
			if (create) {
				return MappedFiles.create(file, size);
			}
			// The mapping outlives the channel: nothing stays open but the mapping
			// itself.
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
				return channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot map scoreboard " + file + ": " + RunFiles.reason(ex), ex);
		}
	}

	public int capacity() {
		return this.capacity;
	}

	/**
	 * Returns the view of one slot.
	 * @param index the slot index, from 0
	 * @return the slot
	 */
	public Slot slot(int index) {
		if (index < 0 || index >= this.capacity) {
			throw new IndexOutOfBoundsException("slot " + index + " of " + this.capacity);
		}
		return new Slot(HEADER_SIZE + index * SLOT_SIZE);
	}

	@Override
	public void close() {
		// A mapped buffer is released by the garbage collector; there is no descriptor to
		// close.
	}

	/**
	 * One worker's row. The child writes it; the arbiter reads it and clears it between
	 * workers.
	 */
	public final class Slot {

		private final int offset;

		private long heartbeats;

		private Slot(int offset) {
			this.offset = offset;
		}

		/**
		 * Claims the slot for a booting worker.
		 * @param pid the worker's pid
		 */
		public void begin(long pid) {
			put(HEARTBEAT, 0);
			put(REQUESTS, 0);
			put(BUSY, 0);
			put(PID, pid);
			put(STATE, SlotState.BOOTING.code());
		}

		/**
		 * Records a heartbeat: one store; the arbiter notes the time when the counter
		 * moves.
		 */
		public void heartbeat() {
			put(HEARTBEAT, ++this.heartbeats);
		}

		public void state(SlotState state) {
			put(STATE, state.code());
		}

		public void requestHandled() {
			put(REQUESTS, get(REQUESTS) + 1);
		}

		public void busy(boolean busy) {
			put(BUSY, busy ? 1 : 0);
		}

		public long pid() {
			return get(PID);
		}

		public SlotState state() {
			return SlotState.of(get(STATE));
		}

		public long heartbeats() {
			return get(HEARTBEAT);
		}

		public long requests() {
			return get(REQUESTS);
		}

		public boolean busy() {
			return get(BUSY) != 0;
		}

		/** Empties the slot for its next worker. */
		public void clear() {
			put(STATE, SlotState.EMPTY.code());
			put(PID, 0);
			put(HEARTBEAT, 0);
			put(REQUESTS, 0);
			put(BUSY, 0);
		}

		private void put(int field, long value) {
			LONGS.setRelease(Scoreboard.this.buffer, this.offset + field, value);
		}

		private long get(int field) {
			return (long) LONGS.getAcquire(Scoreboard.this.buffer, this.offset + field);
		}

	}

}
