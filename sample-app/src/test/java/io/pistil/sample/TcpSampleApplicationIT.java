package io.pistil.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.ArbiterProcess;
import io.pistil.it.ArbiterTestSupport;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's tree, run from the packaged executable jar on free ports: the tcp_pool
 * supervisor's tcp-hello pool answers from several workers, the grabber fetches from it,
 * the static-file server serves its files and nothing outside them.
 */
class TcpSampleApplicationIT extends ArbiterTestSupport {

	@Test
	void tcpPoolsServeTheirConnectionsAndTheGrabberFetchesFromTheHelloPool(@TempDir Path directory) throws Exception {
		int hello = SampleHttp.freePort();
		int files = SampleHttp.freePort();
		SampleHttp actuator = new SampleHttp(SampleHttp.freePort());
		this.arbiter = ArbiterProcess.startJar(Path.of("target", "pistil-sample-app.jar"),
				"--spring.pid.file=" + directory.resolve("app.pid"), "--server.port=" + actuator.port(),
				"--pistil.workers.tcp_pool.children.tcp-hello.listen=127.0.0.1:" + hello,
				"--pistil.workers.fserve.listen=127.0.0.1:" + files,
				"--pistil.workers.grabber.args.url=http://127.0.0.1:" + hello + "/");
		this.arbiter.await("the application healthy", Duration.ofSeconds(90), actuator::healthy);
		Set<String> replies = new HashSet<>();

		for (int i = 0; i < 200 && replies.size() < 2; i++) {
			replies.add(get(hello, "/").body());
		}

		long supervisor = this.arbiter.workers("tcp_pool").get(1);
		assertThat(replies).containsExactlyInAnyOrderElementsOf(ArbiterProcess.workers(supervisor, "tcp-hello")
			.values()
			.stream()
			.map((pid) -> "hello world from pid " + pid + "\n")
			.toList());
		// The grabber's output, under its worker's prefix, is all it shows of its work.
		this.arbiter.awaitLine(
				(line) -> line.startsWith("[grabber.1 pid ")
						&& line.contains("grabbed http://127.0.0.1:" + hello + "/: hello world from pid "),
				Duration.ofSeconds(30));
		Response index = get(files, "/");
		assertThat(index.status()).isEqualTo("HTTP/1.1 200 OK");
		assertThat(index.body()).contains("<title>pistil static files</title>");
		assertThat(get(files, "/index.html")).isEqualTo(index);
		assertThat(get(files, "/missing.html").status()).isEqualTo("HTTP/1.1 404 Not Found");
		assertThat(get(files, "/../application.yml").status()).isEqualTo("HTTP/1.1 404 Not Found");

		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(15))).isZero();
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	/**
	 * A GET on a connection of its own, path as is (an HTTP client would normalize
	 * "/..").
	 */
	private static Response get(int port, String path) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(10_000);
			OutputStream output = socket.getOutputStream();
			output
				.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			InputStream input = socket.getInputStream();
			String response = new String(input.readAllBytes(), StandardCharsets.UTF_8);
			int headEnd = response.indexOf("\r\n\r\n");
			return new Response(response.substring(0, response.indexOf("\r\n")), response.substring(headEnd + 4));
		}
	}

	private record Response(String status, String body) {
	}

}
