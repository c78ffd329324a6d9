package io.pistil.contract;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Files that processes share by mapping them: the scoreboard, the messaging rings.
 */
public final class MappedFiles {

	private MappedFiles() {
	}

	/**
	 * Creates a file of a size, written out rather than left sparse, and maps it. A store
	 * into a sparse page that the disk has no room for ends the process with SIGBUS;
	 * written out, a full disk fails here, as an exception.
	 * @param file a file that must not exist yet
	 * @param size its size
	 * @return the mapping; it outlives the channel, which is closed
	 * @throws IOException if the file cannot be made, written or mapped
	 */
	public static MappedByteBuffer create(Path file, long size) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
				StandardOpenOption.WRITE)) {
			ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(size, 1 << 16));
			long written = 0;
			while (written < size) {
				zeros.clear().limit((int) Math.min(zeros.capacity(), size - written));
				written += channel.write(zeros, written);
			}
			return channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
		}
	}

}
