package io.pistil.benchmarks.messaging;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The baseline's other JVM: takes fixed-size messages on a Unix socket and answers each,
 * with an 8-byte acknowledgement or the message itself, one write per message.
 */
public final class UnixSocketPeer {

	private UnixSocketPeer() {
	}

	public static void main(String[] args) throws IOException {
		Path path = Path.of(args[0]);
		int size = Integer.parseInt(args[1]);
		boolean echo = args[2].equals("echo");
		Files.deleteIfExists(path);
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(path));
			System.out.println("listening");
			try (SocketChannel client = server.accept()) {
				ByteBuffer message = ByteBuffer.allocateDirect(size);
				ByteBuffer ack = ByteBuffer.allocateDirect(8);
				while (true) {
					message.clear();
					while (message.hasRemaining()) {
						if (client.read(message) < 0) {
							return;
						}
					}
					ByteBuffer answer = echo ? message.flip() : ack.clear();
					while (answer.hasRemaining()) {
						client.write(answer);
					}
				}
			}
		}
		finally {
			Files.deleteIfExists(path);
		}
	}

}
