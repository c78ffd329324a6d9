package io.pistil.messaging.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.pistil.contract.MappedFiles;
import io.pistil.contract.RunFiles;

/**
 * Maps the files the hub and its workers share, as the scoreboard does: written out when
 * made, so a full disk fails their creation rather than a store into them.
 */
final class SharedFile {

	private SharedFile() {
	}

	/**
	 * Creates and maps a file.
	 * @param file a file that must not exist yet
	 * @param size its size
	 * @return the mapping, native order
	 */
	static MappedByteBuffer create(Path file, long size) {
		try {
			return mapped(MappedFiles.create(file, size));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot map " + file + ": " + RunFiles.reason(ex), ex);
		}
	}

	/**
	 * Maps an existing file whole.
	 * @param file the file
	 * @return the mapping, native order
	 */
	static MappedByteBuffer open(Path file) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			return mapped(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot map " + file, ex);
		}
	}

	private static MappedByteBuffer mapped(MappedByteBuffer buffer) {
		buffer.order(ByteOrder.nativeOrder());
		return buffer;
	}

}
