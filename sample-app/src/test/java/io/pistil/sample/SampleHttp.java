package io.pistil.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;

/**
 * The sample's actuator on a port the test chose, read as curl would: no log line needed
 * to find it.
 */
final class SampleHttp {

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final int port;

	SampleHttp(int port) {
		this.port = port;
	}

	/**
	 * A port that was free a moment ago, on loopback, below the kernel's ephemeral range:
	 * the sample's own {@code :0} listeners are given ports from that range, and one of
	 * them could otherwise take the port the test chose before the sample binds it.
	 */
	static int freePort() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_000);
			try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				// taken: try another
			}
		}
		throw new UncheckedIOException(new IOException("No free loopback port between 20000 and 32000"));
	}

	/**
	 * GET /index.html from the sample's fserve pool, one request per connection.
	 * @param port the pool's port
	 * @return null when it answered 200 in full, else what went wrong
	 */
	static String fetchIndex(int port) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(10_000);
			OutputStream output = socket.getOutputStream();
			output.write("GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
				.getBytes(StandardCharsets.ISO_8859_1));
			output.flush();
			InputStream input = socket.getInputStream();
			String response = new String(input.readAllBytes(), StandardCharsets.ISO_8859_1);
			return response.startsWith("HTTP/1.1 200 OK") ? null
					: "answered " + response.lines().findFirst().orElse("nothing");
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	int port() {
		return this.port;
	}

	/**
	 * The JSON of a GET answered with 200, or empty while the server is not up or answers
	 * otherwise.
	 */
	Optional<DocumentContext> json(String path) {
		try {
			HttpResponse<String> response = this.client
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
					.timeout(Duration.ofSeconds(5))
					.GET()
					.build(), HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? Optional.of(JsonPath.parse(response.body())) : Optional.empty();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	/** Whether the application reports itself healthy. */
	boolean healthy() {
		return json("/actuator/health").map((health) -> "UP".equals(health.read("$.status"))).orElse(false);
	}

	/** A pool's count of ready workers, or -1 while it cannot be read. */
	int ready(String pool) {
		return json("/actuator/pistil/" + pool).map((json) -> json.read("$.ready", Integer.class)).orElse(-1);
	}

}
