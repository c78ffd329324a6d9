package io.pistil.messaging.local;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.pistil.messaging.support.Envelope;

/**
 * The records a worker and the hub exchange through their rings, and how their fields are
 * laid out: fixed-size numbers in native order, strings and byte arrays with an int
 * length before them.
 */
final class Wire {

	// Worker to hub.

	/** subscription id, queue name. */
	static final int SUBSCRIBE = 1;

	/** subscription id, topic name. */
	static final int SUBSCRIBE_TOPIC = 2;

	/** queue index, request id (0 for a plain send), envelope. */
	static final int SEND = 3;

	/** topic name, envelope. */
	static final int PUBLISH = 4;

	/** subscription id, delivery tag. */
	static final int ACK = 5;

	/**
	 * subscription id, delivery tag, envelope: the delivery's acknowledgement and reply.
	 */
	static final int REPLY = 6;

	/** subscription id, delivery tag, error. */
	static final int REJECT = 7;

	/** subscription id, delivery tag: handed back without having been handled. */
	static final int RELEASE = 8;

	/** subscription id: no more deliveries. */
	static final int UNSUBSCRIBE = 9;

	/**
	 * queue name, what happened (a {@link ClusterFigures} constant): a cluster queue's
	 * count.
	 */
	static final int CLUSTER_COUNT = 10;

	// Hub to worker.

	/** subscription id, delivery tag, message id, delivery count, flags, envelope. */
	static final int DELIVER = 20;

	/** subscription id, envelope. */
	static final int TOPIC_MESSAGE = 21;

	/** request id, 1 for a reply (envelope) or 0 for a failure (error). */
	static final int RESPONSE = 22;

	static final int REDELIVERED = 1;

	static final int REQUEST = 2;

	private Wire() {
	}

	static int size(String value) {
		return 4 + value.length() * 3;
	}

	static int size(Envelope envelope) {
		int size = 4 + 4 + envelope.payload().length;
		for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
			size += size(header.getKey()) + size(header.getValue());
		}
		return size;
	}

	/** Writes a string; returns the offset after it. */
	static int put(ByteBuffer buffer, int offset, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		buffer.putInt(offset, bytes.length);
		buffer.put(offset + 4, bytes);
		return offset + 4 + bytes.length;
	}

	static int put(ByteBuffer buffer, int offset, Envelope envelope) {
		int at = offset;
		buffer.putInt(at, envelope.headers().size());
		at += 4;
		for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
			at = put(buffer, at, header.getKey());
			at = put(buffer, at, header.getValue());
		}
		buffer.putInt(at, envelope.payload().length);
		buffer.put(at + 4, envelope.payload());
		return at + 4 + envelope.payload().length;
	}

	/** A reading position in one record. */
	static final class Reader {

		private final ByteBuffer buffer;

		private int at;

		Reader(ByteBuffer buffer, int offset) {
			this.buffer = buffer;
			this.at = offset;
		}

		int readInt() {
			int value = this.buffer.getInt(this.at);
			this.at += 4;
			return value;
		}

		long readLong() {
			long value = this.buffer.getLong(this.at);
			this.at += 8;
			return value;
		}

		byte[] readBytes() {
			byte[] bytes = new byte[readInt()];
			this.buffer.get(this.at, bytes);
			this.at += bytes.length;
			return bytes;
		}

		String readString() {
			return new String(readBytes(), StandardCharsets.UTF_8);
		}

		Envelope readEnvelope() {
			int count = readInt();
			Map<String, String> headers = (count == 0) ? Map.of() : new HashMap<>(count * 2);
			for (int i = 0; i < count; i++) {
				headers.put(readString(), readString());
			}
			return new Envelope(headers, readBytes());
		}

	}

}
