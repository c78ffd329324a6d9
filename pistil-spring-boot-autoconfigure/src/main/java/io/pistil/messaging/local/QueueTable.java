package io.pistil.messaging.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.pistil.messaging.support.QueueSettings;

/**
 * The local queues' room, in a file of the run directory that the hub and every worker
 * map: per queue, its capacity and how many messages it holds or are on their way to it.
 * A producer, in any process, reserves room with one compare-and-set before it sends, so
 * {@code offer} answers at once and exactly, without asking the hub.
 *
 * <p>
 * Layout: a header (magic, queue count), then a slot of {@value #SLOT} bytes per queue:
 * count, capacity, name (int length, UTF-8 bytes).
 */
final class QueueTable {

	/** The most local queues. */
	static final int MAX_QUEUES = 128;

	/** The longest queue name, in UTF-8 bytes. */
	static final int MAX_NAME = 100;

	private static final long MAGIC = 0x70697374696c5101L;

	private static final int HEADER = 64;

	private static final int SLOT = 128;

	private static final int COUNT = 0;

	private static final int CAPACITY = 8;

	private static final int NAME = 16;

	private static final long MIN_PAUSE_NANOS = 10_000;

	private static final long MAX_PAUSE_NANOS = 1_000_000;

	private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

	private final MappedByteBuffer buffer;

	private final String[] names;

	private QueueTable(MappedByteBuffer buffer, String[] names) {
		this.buffer = buffer;
		this.names = names;
	}

	/**
	 * Creates the table of the hub's queues.
	 * @param file the file to create
	 * @param queues the local queues
	 * @return the table
	 */
	static QueueTable create(Path file, List<QueueSettings> queues) {
		if (queues.size() > MAX_QUEUES) {
			throw new IllegalArgumentException("At most " + MAX_QUEUES + " local queues, not " + queues.size());
		}
		MappedByteBuffer buffer = SharedFile.create(file, HEADER + (long) queues.size() * SLOT);
		String[] names = new String[queues.size()];
		for (int i = 0; i < names.length; i++) {
			QueueSettings queue = queues.get(i);
			byte[] name = queue.name().getBytes(StandardCharsets.UTF_8);
			if (name.length > MAX_NAME) {
				throw new IllegalArgumentException("Queue name '" + queue.name() + "' is longer than " + MAX_NAME);
			}
			int slot = HEADER + i * SLOT;
			buffer.putLong(slot + CAPACITY, queue.capacity());
			buffer.putInt(slot + NAME, name.length);
			buffer.put(slot + NAME + 4, name);
			names[i] = queue.name();
		}
		LONGS.setRelease(buffer, 8, (long) names.length);
		LONGS.setRelease(buffer, 0, MAGIC);
		return new QueueTable(buffer, names);
	}

	/**
	 * Opens the table a hub created.
	 * @param file the table's file
	 * @return the table
	 */
	static QueueTable open(Path file) {
		MappedByteBuffer buffer = SharedFile.open(file);
		if ((long) LONGS.getAcquire(buffer, 0) != MAGIC) {
			throw new IllegalStateException(file + " is not a pistil queue table");
		}
		String[] names = new String[(int) (long) LONGS.getAcquire(buffer, 8)];
		for (int i = 0; i < names.length; i++) {
			int slot = HEADER + i * SLOT;
			byte[] name = new byte[buffer.getInt(slot + NAME)];
			buffer.get(slot + NAME + 4, name);
			names[i] = new String(name, StandardCharsets.UTF_8);
		}
		return new QueueTable(buffer, names);
	}

	/** The index of a queue, or -1 if it is not a local queue of the hub. */
	int index(String queue) {
		for (int i = 0; i < this.names.length; i++) {
			if (this.names[i].equals(queue)) {
				return i;
			}
		}
		return -1;
	}

	String name(int index) {
		return this.names[index];
	}

	/**
	 * Reserves room for one message.
	 * @param index the queue's index
	 * @return false if the queue is at its capacity
	 */
	boolean tryReserve(int index) {
		int slot = HEADER + index * SLOT;
		long capacity = this.buffer.getLong(slot + CAPACITY);
		while (true) {
			long count = (long) LONGS.getVolatile(this.buffer, slot + COUNT);
			if (count >= capacity) {
				return false;
			}
			if (LONGS.compareAndSet(this.buffer, slot + COUNT, count, count + 1)) {
				return true;
			}
		}
	}

	/**
	 * Reserves room for one message, waiting while the queue is full.
	 * @param index the queue's index
	 * @param timeout how long to wait
	 * @return false if the queue stayed full that long
	 */
	boolean reserve(int index, Duration timeout) {
		if (tryReserve(index)) {
			return true;
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		long pause = MIN_PAUSE_NANOS;
		// Room comes back as the hub delivers: the wait is short when consumers keep up.
		while (!tryReserve(index)) {
			if (System.nanoTime() - deadline > 0) {
				return false;
			}
			LockSupport.parkNanos(pause);
			pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
		}
		return true;
	}

	/**
	 * Moves a queue's count: down when the hub delivers, up when it takes a message back.
	 */
	void add(int index, long delta) {
		LONGS.getAndAdd(this.buffer, HEADER + index * SLOT + COUNT, delta);
	}

	long count(int index) {
		return (long) LONGS.getVolatile(this.buffer, HEADER + index * SLOT + COUNT);
	}

}
