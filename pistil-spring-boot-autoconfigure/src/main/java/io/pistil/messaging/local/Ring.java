package io.pistil.messaging.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A ring of variable-length records in a region of shared memory, with one writer and one
 * reader, possibly in two processes. The writer publishes records by moving the tail with
 * a release store; the reader takes every record up to the tail it read, then moves the
 * head. Neither ever waits on the other: a full ring refuses the record.
 *
 * <p>
 * Layout from the region's start: the head, the tail and the reader's parked flag, each
 * on a cache line of its own, then the records. A record is an int length (header
 * included), an int type, then its body, padded to 8 bytes; a record that does not fit
 * before the end is preceded by a padding record to the end.
 */
final class Ring {

	/** Bytes before the records. */
	static final int HEADER = 3 * 128;

	/** The type of the record that fills the end of the ring. */
	private static final int PADDING = -1;

	private static final int RECORD_HEADER = 8;

	private static final int HEAD = 0;

	private static final int TAIL = 128;

	private static final int PARKED = 256;

	private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

	private final ByteBuffer buffer;

	private final int base;

	private final int data;

	private final int capacity;

	private final int mask;

	// The writer's own view.

	private long tail;

	private long knownHead;

	private long publishedTail;

	// The reader's own view.

	private long head;

	/**
	 * Views a ring.
	 * @param buffer the shared memory, native order
	 * @param base where the ring starts in it
	 * @param capacity the bytes for records, a power of two
	 */
	Ring(ByteBuffer buffer, int base, int capacity) {
		if (Integer.bitCount(capacity) != 1) {
			throw new IllegalArgumentException("A ring's capacity must be a power of two, not " + capacity);
		}
		this.buffer = buffer.order(ByteOrder.nativeOrder());
		this.base = base;
		this.data = base + HEADER;
		this.capacity = capacity;
		this.mask = capacity - 1;
		this.tail = (long) LONGS.getAcquire(this.buffer, base + TAIL);
		this.publishedTail = this.tail;
		this.head = (long) LONGS.getAcquire(this.buffer, base + HEAD);
		this.knownHead = this.head;
	}

	/** The bytes a ring of this capacity takes, header included. */
	static int size(int capacity) {
		return HEADER + capacity;
	}

	/** The largest body a record may have. */
	int maxBody() {
		return this.capacity / 4 - RECORD_HEADER;
	}

	/**
	 * Claims room for a record (writer side). The record is invisible to the reader until
	 * {@link #publish()}.
	 * @param type the record's type, 0 or more
	 * @param bodyLength the length of its body
	 * @return where to write the body in {@link #buffer()}, or -1 if the ring is full
	 */
	int claim(int type, int bodyLength) {
		if (bodyLength > maxBody()) {
			throw new IllegalArgumentException(
					"A message of " + bodyLength + " bytes is larger than the " + maxBody() + " bytes a ring takes");
		}
		int length = RECORD_HEADER + bodyLength;
		int aligned = align(length);
		int index = (int) (this.tail & this.mask);
		int toEnd = this.capacity - index;
		int needed = (aligned > toEnd) ? aligned + toEnd : aligned;
		if (this.tail + needed - this.knownHead > this.capacity) {
			this.knownHead = (long) LONGS.getAcquire(this.buffer, this.base + HEAD);
			if (this.tail + needed - this.knownHead > this.capacity) {
				return -1;
			}
		}
		if (aligned > toEnd) {
			this.buffer.putInt(this.data + index, toEnd);
			this.buffer.putInt(this.data + index + 4, PADDING);
			this.tail += toEnd;
			index = 0;
		}
		this.buffer.putInt(this.data + index, length);
		this.buffer.putInt(this.data + index + 4, type);
		this.tail += aligned;
		return this.data + index + RECORD_HEADER;
	}

	/** Makes every claimed record visible to the reader (writer side). */
	void publish() {
		if (this.tail != this.publishedTail) {
			LONGS.setRelease(this.buffer, this.base + TAIL, this.tail);
			this.publishedTail = this.tail;
		}
	}

	/** Whether the reader has records to take (reader side). */
	boolean hasRecords() {
		return (long) LONGS.getVolatile(this.buffer, this.base + TAIL) != this.head;
	}

	/**
	 * Takes every published record (reader side).
	 * @param reader what to do with each
	 * @return how many records were read
	 */
	int read(RecordReader reader) {
		long tail = (long) LONGS.getAcquire(this.buffer, this.base + TAIL);
		int count = 0;
		while (this.head != tail) {
			int index = (int) (this.head & this.mask);
			int length = this.buffer.getInt(this.data + index);
			int type = this.buffer.getInt(this.data + index + 4);
			if (type == PADDING) {
				this.head += length;
				continue;
			}
			reader.read(type, this.buffer, this.data + index + RECORD_HEADER, length - RECORD_HEADER);
			this.head += align(length);
			count++;
		}
		LONGS.setRelease(this.buffer, this.base + HEAD, this.head);
		return count;
	}

	/**
	 * Tells the writer that the reader is about to block (reader side): the writer then
	 * rings the doorbell. A full fence: the reader checks for records after it.
	 */
	void park() {
		LONGS.setVolatile(this.buffer, this.base + PARKED, 1L);
	}

	/** The reader is awake again (reader side). */
	void unpark() {
		LONGS.setVolatile(this.buffer, this.base + PARKED, 0L);
	}

	/**
	 * Whether the writer must ring the doorbell for what it has just published (writer
	 * side): true once per park of the reader.
	 */
	boolean takeParkedReader() {
		// The fence orders the tail's store before the flag's load: either the reader
		// sees
		// the records, or this sees the flag.
		VarHandle.fullFence();
		return (long) LONGS.getVolatile(this.buffer, this.base + PARKED) == 1L
				&& LONGS.compareAndSet(this.buffer, this.base + PARKED, 1L, 0L);
	}

	ByteBuffer buffer() {
		return this.buffer;
	}

	private static int align(int length) {
		return (length + 7) & ~7;
	}

	/** Reads one record in place. */
	@FunctionalInterface
	interface RecordReader {

		/**
		 * Reads a record; its bytes are valid only during the call.
		 * @param type its type
		 * @param buffer the shared memory
		 * @param offset where its body starts
		 * @param length its body's length
		 */
		void read(int type, ByteBuffer buffer, int offset, int length);

	}

}
