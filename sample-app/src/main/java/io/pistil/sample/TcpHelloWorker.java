package io.pistil.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.pistil.worker.TcpClient;
import io.pistil.worker.TcpWorker;
import io.pistil.worker.WorkerContext;

/**
 * The seed's tcp_hello.py: tcp workers sharing one listening socket, each answering HTTP
 * requests with "hello world" and its pid, as gunicorn's sync workers would. The
 * tcp-hello pool of the tcp profile, and the http-hello pool of the benchmark profile.
 */
public class TcpHelloWorker implements TcpWorker {

	@Override
	public void handle(TcpClient client, WorkerContext context) throws IOException {
		HttpExchange.readRequestPath(client.input());
		HttpExchange.respond(client.output(), "200 OK", "text/plain",
				("hello world from pid " + context.pid() + "\n").getBytes(StandardCharsets.UTF_8));
	}

}
